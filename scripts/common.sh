# shellcheck shell=bash
#
# Shared by scripts/test and scripts/demo: install the Debian packages the
# project needs (only when one is missing, so concurrent runs do not fight
# over the dpkg lock), generate the build system, and build a variant in a
# build directory of its own.

CD_SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

CD_PACKAGES="build-essential autoconf automake libtool pkgconf
	corosync libcorosync-common-dev libcpg-dev libquorum-dev
	libvotequorum-dev libcmap-dev libcfg-dev libqb-dev
	libsqlite3-dev libprotobuf-c-dev protobuf-c-compiler
	libfuse3-dev fuse3 libjson-c-dev libcmocka-dev
	qemu-system-x86 qemu-utils lxc lxc-dev busybox-static
	iproute2 util-linux procps systemd jq libssl-dev bash-completion openssl groff-base"

cd_say() { printf '==> %s\n' "$*" >&2; }

cd_missing_packages() {
	local p
	for p in $CD_PACKAGES; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q 'install ok installed' || echo "$p"
	done
}

cd_install_deps() {
	local missing
	missing=$(cd_missing_packages | tr '\n' ' ')
	[ -z "${missing// /}" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "Missing packages: $missing- run as root to install them." >&2
		return 1
	fi
	cd_say "installing: $missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=600 update -qq &&
		apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
			--no-install-recommends $missing >/dev/null
}

# Regenerate configure when configure.ac or a Makefile.am changed; under a
# lock, since two runs may share one source tree.
cd_autoreconf() {
	(
		flock 9
		cd "$CD_SRCDIR" || exit 1
		if [ ! -x configure ] || [ configure.ac -nt configure ] ||
			[ -n "$(find . -name '*.am' -newer configure -o -name '*.mk' -newer configure | head -1)" ]; then
			cd_say "autoreconf"
			autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
		fi
	) 9>"$CD_SRCDIR/.autoreconf.lock"
}

# cd_build DIR [CONFIGURE-ARGS...]: configure (once) and build in DIR.
cd_build() {
	local dir=$1
	shift
	mkdir -p "$dir" || return 1
	if [ ! -f "$dir/Makefile" ] || [ "$CD_SRCDIR/configure" -nt "$dir/Makefile" ]; then
		(cd "$dir" && "$CD_SRCDIR/configure" -q "$@") || return 1
	fi
	make -C "$dir" -s -j"$(nproc)" >/dev/null || make -C "$dir" -j1
}
