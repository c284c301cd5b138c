# The nemesis test on 3 nodes (see nemesis.sh.inc). Short by default;
# NEMESIS_SECONDS=60 (or more) for the long form.
NEMESIS_NODES=3
. "$top_srcdir/tests/integration/nemesis.sh.inc"
