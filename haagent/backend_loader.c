/*
 * dlopen-based backend loader (see backend_loader.h).
 *
 * The order of checks makes every refusal precise: the name, the file's
 * existence, dlopen (its dlerror() is the message), the ABI symbol and
 * value, the ops symbol, the mandatory operations, then init().
 */
#include "config.h"
#include "backend_loader.h"
#include "macro.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#ifndef BACKENDDIR
#define BACKENDDIR "/usr/lib/clusterd/backends"
#endif

const char *backend_dir(void)
{
	const char *d = getenv("CLUSTERD_BACKEND_DIR");

	return d && *d ? d : BACKENDDIR;
}

static bool valid_name(const char *name)
{
	if (!*name || strlen(name) > 32)
		return false;
	for (; *name; name++)
		if (!islower((unsigned char)*name) &&
		    !isdigit((unsigned char)*name) && !strchr("_-", *name))
			return false;
	return true;
}

static int check_ops(const struct backend_ops *ops, const char *path,
		     struct backend_error *err)
{
	const char *missing = NULL;

	if (!ops->name)
		missing = "name";
	else if (!ops->init)
		missing = "init";
	else if (!ops->start)
		missing = "start";
	else if (!ops->shutdown)
		missing = "shutdown";
	else if (!ops->stop)
		missing = "stop";
	else if (!ops->status)
		missing = "status";
	if (missing)
		return backend_fail(err, EINVAL,
				    "backend %s lacks the '%s' operation", path,
				    missing);
	if (!guest_type_to_string(ops->type))
		return backend_fail(err, EINVAL,
				    "backend %s names an unknown guest type",
				    path);
	if (!!ops->migrate_in_prepare != !!ops->migrate_out ||
	    !!ops->migrate_out != !!ops->migrate_in_finish ||
	    (ops->migrate_out && !ops->resume))
		return backend_fail(err, EINVAL,
				    "backend %s has an incomplete set of "
				    "migration operations",
				    path);
	return 0;
}

static int open_plugin(const char *path, void **dl, struct backend_error *err)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return backend_fail(err, errno, "backend %s: %s", path,
				    strerror(errno));
	*dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!*dl)
		return backend_fail(err, ELIBBAD,
				    "backend %s cannot be loaded: %s", path,
				    dlerror());
	return 0;
}

static int resolve(void *dl, const char *path, const struct backend_ops **ops,
		   struct backend_error *err)
{
	const uint32_t *abi = dlsym(dl, BACKEND_ABI_SYMBOL);

	if (!abi)
		return backend_fail(err, ELIBBAD,
				    "%s is not a clusterd backend (no %s)",
				    path, BACKEND_ABI_SYMBOL);
	if (*abi != BACKEND_ABI_VERSION)
		return backend_fail(err, ELIBBAD,
				    "backend %s has ABI version %u, haagent "
				    "speaks %u",
				    path, *abi, BACKEND_ABI_VERSION);
	*ops = dlsym(dl, BACKEND_OPS_SYMBOL);
	if (!*ops)
		return backend_fail(err, ELIBBAD, "backend %s has no %s", path,
				    BACKEND_OPS_SYMBOL);
	return check_ops(*ops, path, err);
}

int backend_load(const char *dir, const char *name,
		 const struct backend_env *env, struct backend **out,
		 struct backend_error *err)
{
	char path[4096];
	const struct backend_ops *ops = NULL;
	struct backend *b;
	void *dl = NULL, *state = NULL;
	int r;

	if (!valid_name(name))
		return backend_fail(err, EINVAL, "invalid backend name '%.40s'",
				    name);
	r = snprintf(path, sizeof(path), "%s/%s.so", dir ? dir : backend_dir(),
		     name);
	if (r < 0 || (size_t)r >= sizeof(path))
		return backend_fail(err, ENAMETOOLONG, "backend path too long");
	r = open_plugin(path, &dl, err);
	if (r < 0)
		return r;
	r = resolve(dl, path, &ops, err);
	if (r == 0) {
		r = ops->init(env, &state, err);
		if (r < 0 && err && !err->msg[0])
			backend_fail(err, r, "backend %s failed to start: %s",
				     name, strerror(-r));
	}
	if (r == 0 && !(b = calloc(1, sizeof(*b)))) {
		if (ops->fini)
			ops->fini(state);
		r = backend_fail(err, ENOMEM, "out of memory");
	}
	if (r < 0) {
		dlclose(dl);
		return r;
	}
	*b = (struct backend){.ops = ops, .state = state, .dl = dl};
	*out = b;
	return 0;
}

void backend_unload(struct backend *b)
{
	if (!b)
		return;
	if (b->ops->fini)
		b->ops->fini(b->state);
	dlclose(b->dl);
	free(b);
}
