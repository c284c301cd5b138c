# The nemesis test on 5 nodes (see nemesis.sh.inc). Short by default;
# NEMESIS_SECONDS=60 (or more) for the long form.
NEMESIS_NODES=5
. "$top_srcdir/tests/integration/nemesis.sh.inc"
