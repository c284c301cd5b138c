# The documentation against the code: clusterctl's --help, clusterctl(8)
# and the bash completion name the same commands and options
# (tests/integration/cli-docs.sh).
TESTS += tests/integration/cli-docs.sh
EXTRA_DIST += tests/integration/cli-docs.sh tests/integration/completion.sh.inc
