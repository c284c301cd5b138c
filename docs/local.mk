dist_man_MANS += docs/man/clusterd.8 docs/man/haagent.8 docs/man/clusterctl.8 \
	docs/man/clusterd.conf.5
