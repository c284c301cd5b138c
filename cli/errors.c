/*
 * How clusterctl reports a failed operation.
 *
 * A failure is exit code 1 and exactly one line on standard error:
 * "clusterctl: WHAT: REASON", WHAT naming the operation ("put nodes/a")
 * and REASON what clusterd's errno means for the user (EROFS is "no
 * quorum", EAGAIN "node is synchronising, retry", ...), followed by the
 * server's own message in parentheses when it adds something. With
 * -o json the same facts also go to standard output as the invocation's
 * one JSON document, so scripts can branch on the errno name.
 *
 * The reasons below are part of the interface (scripts and the man page
 * quote them); unlisted errno values fall back to strerror().
 */
#include "config.h"

#include "cli.h"
#include "macro.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	int err;
	const char *reason;
} reasons[] = {
    {EROFS, "no quorum"},
    {EAGAIN, "node is synchronising, retry"},
    {ETIMEDOUT, "timed out"},
    {ESTALE, "version mismatch (compare-and-swap failed)"},
    {ENOENT, "no such file or directory"},
    {EEXIST, "already exists"},
    {ENOTEMPTY, "directory not empty"},
    {EISDIR, "is a directory"},
    {ENOTDIR, "not a directory"},
    {EFBIG, "file too large"},
    {ENOSPC, "no space left (tree size limit reached)"},
    {EMFILE, "too many entries (entry limit reached)"},
    {EACCES, "permission denied"},
    {EPERM, "operation not permitted"},
    {EINVAL, "invalid argument"},
    {ENAMETOOLONG, "name too long"},
    {EBUSY, "resource busy"},
    {EPROTO, "protocol error"},
    {EPROTONOSUPPORT, "protocol version not supported by clusterd"},
    {EOPNOTSUPP, "operation not supported"},
    {ENOMEM, "out of memory"},
    {EIO, "input/output error"},
};

const char *cli_errno_reason(int err)
{
	err = abs(err);
	for (size_t i = 0; i < ELEMENTSOF(reasons); i++)
		if (reasons[i].err == err)
			return reasons[i].reason;
	return strerror(err);
}

int cli_fail(struct cli_ctx *ctx, const char *what, int err, const char *reason,
	     const char *detail)
{
	_cleanup_free_ char *safe_what = text_escape(what);
	_cleanup_free_ char *safe_detail = NULL;

	if (detail && *detail && strcasecmp(detail, reason) != 0)
		safe_detail = text_escape(detail);
	fprintf(ctx->err, "clusterctl: %s: %s", safe_what ? safe_what : what,
		reason);
	if (safe_detail)
		fprintf(ctx->err, " (%s)", safe_detail);
	fputc('\n', ctx->err);
	fflush(ctx->err);
	if (ctx->output == CLI_OUTPUT_JSON)
		output_error_json(ctx, what, abs(err), reason, detail);
	return CLI_EXIT_FAILED;
}
