# systemd units get the install paths substituted at build time (configure
# leaves ${exec_prefix} unexpanded, so it cannot do it).
systemdsystemunit_DATA = data/clusterd.service data/haagent.service
CLEANFILES += $(systemdsystemunit_DATA)
EXTRA_DIST += data/clusterd.service.in data/haagent.service.in data/clusterd.conf

# clusterctl's bash completion, installed as "clusterctl".
bashcompletion_DATA = data/clusterctl
CLEANFILES += data/clusterctl
EXTRA_DIST += data/clusterctl.bash-completion
data/clusterctl: $(srcdir)/data/clusterctl.bash-completion
	$(AM_V_GEN)$(MKDIR_P) data && cp $(srcdir)/data/clusterctl.bash-completion $@

edit_unit = $(MKDIR_P) data && sed -e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@ha_stop_timeout[@]|$(HA_STOP_TIMEOUT_S)|g'
data/clusterd.service: $(srcdir)/data/clusterd.service.in Makefile
	$(AM_V_GEN)$(edit_unit) $(srcdir)/data/clusterd.service.in >$@
data/haagent.service: $(srcdir)/data/haagent.service.in Makefile
	$(AM_V_GEN)$(edit_unit) $(srcdir)/data/haagent.service.in >$@

# Never overwrite an administrator's configuration on reinstall. Installing
# for real (no DESTDIR, as root) also creates the system group whose
# members may read the tree, as a package's postinst would.
install-data-local:
	if test -z "$(DESTDIR)" && test "$$(id -u)" = 0 && \
	   ! getent group clusterd >/dev/null; then \
		groupadd --system clusterd; \
	fi
	$(MKDIR_P) $(DESTDIR)$(sysconfdir)/clusterd
	test -e $(DESTDIR)$(sysconfdir)/clusterd/clusterd.conf || \
	$(INSTALL_DATA) $(srcdir)/data/clusterd.conf $(DESTDIR)$(sysconfdir)/clusterd/clusterd.conf

uninstall-local:
	cmp -s $(srcdir)/data/clusterd.conf $(DESTDIR)$(sysconfdir)/clusterd/clusterd.conf && \
	rm -f $(DESTDIR)$(sysconfdir)/clusterd/clusterd.conf || true
