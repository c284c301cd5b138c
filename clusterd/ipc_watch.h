/*
 * Watches: change and membership events pushed to IPC clients.
 */
#pragma once

#include "ipc_server.h"

struct ipc_watch;

/* Registers an IPC handler (the "watch" request) and a tree observer. */
int ipc_watch_new(struct clusterd *cd, struct ipc_watch **out);
void ipc_watch_free(struct ipc_watch *w);
