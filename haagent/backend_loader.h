/*
 * Loading guest backends (haagent/backend.h) with dlopen.
 *
 * A backend NAME is the file DIR/NAME.so, DIR being $CLUSTERD_BACKEND_DIR
 * when set (tests load from the build tree) or BACKENDDIR
 * ($libdir/clusterd/backends). A missing file, a file that is no shared
 * object, a wrong ABI version or a missing mandatory operation is an
 * error with a message naming the file and the cause; nothing of a
 * refused plugin stays loaded.
 */
#pragma once

#include "backend.h"

struct backend {
	const struct backend_ops *ops;
	void *state; /* the backend's, from ops->init() */
	void *dl;    /* dlopen handle */
};

/* The directory backends are loaded from. */
const char *backend_dir(void);

/* Load backend NAME ([a-z0-9_-], at most 32 bytes) from DIR (NULL: the
 * default) and initialise it with ENV. 0 and *OUT, or -errno with ERR. */
int backend_load(const char *dir, const char *name,
		 const struct backend_env *env, struct backend **out,
		 struct backend_error *err);

/* fini() and dlclose. NULL is fine. */
void backend_unload(struct backend *b);
