#!/usr/bin/env python3
"""Differential test of configfs: apply one random sequence of file-system
operations to a configfs mount and to a plain temporary directory, and
compare the outcome (errno or result) of every operation and the trees.

Usage: configfs-diff.py MOUNT_DIR [--ops N] [--seed S] [--ref DIR]
Exit 0 when everything matched; 1 with the first differences printed.

Operations that would grow a file past --max-size are skipped (the size
limit is tested on its own: EFBIG keeps the old content, which is not what
a plain directory does). Documented differences from POSIX
(docs/configfs.md) are not exercised either:
modes and owners are the filesystem's, no hard links or symlinks, a
descriptor reads what the file held when it was opened (a snapshot).
"""
import argparse
import errno
import os
import random
import shutil
import sys
import tempfile

NAMES = ["a", "b", "c", "dir", "x.conf"]


def rand_path(rng):
    depth = rng.choice([1, 1, 2, 2, 3])
    return "/".join(rng.choice(NAMES) for _ in range(depth))


def rand_data(rng):
    n = rng.choice([0, 1, 10, 100, 3000, 60000])
    return bytes(rng.getrandbits(8) for _ in range(min(n, 200))) * (n // 200 + 1)


def op_write(root, p, data, flags):
    fd = os.open(os.path.join(root, p), flags, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    return None


def op_read(root, p):
    with open(os.path.join(root, p), "rb") as f:
        return f.read()


def op_stat(root, p):
    st = os.stat(os.path.join(root, p))
    kind = "dir" if os.path.isdir(os.path.join(root, p)) else "file"
    return (kind, st.st_size if kind == "file" else 0)


def op_list(root, p):
    return sorted(os.listdir(os.path.join(root, p)))


def op_pwrite(root, p, data, off):
    fd = os.open(os.path.join(root, p), os.O_RDWR)
    try:
        os.pwrite(fd, data, off)
        os.fsync(fd)
    finally:
        os.close(fd)
    return None


def size_of(root, p):
    try:
        return os.stat(os.path.join(root, p)).st_size
    except OSError:
        return 0


def op_held(root, p, q, data, sub):
    """Write P and, before closing it, act on it: what a file still open
    (created here and not saved yet, on configfs) looks like."""
    fd = os.open(os.path.join(root, p), os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                 0o644)
    try:
        os.write(fd, data)
        parent = os.path.dirname(p)
        if sub == "stat":
            out = op_stat(root, p)
        elif sub == "list":
            out = op_list(root, parent)
        elif sub == "read":
            out = op_read(root, p)
        elif sub == "rename":
            out = os.rename(os.path.join(root, p), os.path.join(root, q))
        elif sub == "unlink":
            out = os.unlink(os.path.join(root, p))
        else:
            out = os.rmdir(os.path.join(root, parent or "."))
        return out
    finally:
        os.close(fd)


def make_op(rng):
    """One random operation: (description, function of root, the size the
    file at its path would have, as a function of the reference root)."""
    p, q = rand_path(rng), rand_path(rng)
    data = rand_data(rng)
    kind = rng.choice(["write", "write", "append", "excl", "read", "stat",
                       "list", "mkdir", "mkdir", "rmdir", "unlink",
                       "rename", "rename", "truncate", "pwrite", "ftrunc",
                       "held", "held"])
    if kind == "write":
        fl = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        return (f"write {p} {len(data)}", lambda r: op_write(r, p, data, fl),
                lambda r: len(data))
    if kind == "append":
        fl = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        return (f"append {p} {len(data)}", lambda r: op_write(r, p, data, fl),
                lambda r: size_of(r, p) + len(data))
    if kind == "excl":
        fl = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        return (f"create-excl {p}", lambda r: op_write(r, p, data, fl),
                lambda r: len(data))
    if kind == "held":
        sub = rng.choice(["stat", "list", "read", "rename", "unlink",
                          "rmdir"])
        return (f"held {p} then {sub} {q}",
                lambda r: op_held(r, p, q, data[:100], sub),
                lambda r: len(data[:100]))
    if kind == "read":
        return f"read {p}", lambda r: op_read(r, p), None
    if kind == "stat":
        return f"stat {p}", lambda r: op_stat(r, p), None
    if kind == "list":
        d = rng.choice(["", "dir", "a", "b"])
        return f"list {d or '.'}", lambda r: op_list(r, d), None
    if kind == "mkdir":
        return f"mkdir {p}", lambda r: os.mkdir(os.path.join(r, p)), None
    if kind == "rmdir":
        return f"rmdir {p}", lambda r: os.rmdir(os.path.join(r, p)), None
    if kind == "unlink":
        return f"unlink {p}", lambda r: os.unlink(os.path.join(r, p)), None
    if kind == "rename":
        return (f"rename {p} {q}", lambda r: os.rename(os.path.join(r, p),
                                                       os.path.join(r, q)),
                None)
    if kind == "truncate":
        n = rng.choice([0, 5, 300])
        return f"truncate {p} {n}", lambda r: os.truncate(os.path.join(r, p), n), None
    if kind == "ftrunc":
        n = rng.choice([0, 7, 500])

        def ftrunc(r):
            fd = os.open(os.path.join(r, p), os.O_RDWR)
            try:
                os.ftruncate(fd, n)
            finally:
                os.close(fd)
        return f"ftruncate {p} {n}", ftrunc, None
    off = rng.choice([0, 3, 1000])
    return (f"pwrite {p} @{off}", lambda r: op_pwrite(r, p, data[:50], off),
            lambda r: max(size_of(r, p), off + len(data[:50])))


def outcome(fn, root):
    try:
        return ("ok", fn(root))
    except OSError as e:
        return ("err", errno.errorcode.get(e.errno, e.errno))


def snapshot(root):
    out = {}
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        for name in dirs:
            out[os.path.normpath(os.path.join(rel, name))] = "dir"
        for name in files:
            path = os.path.join(d, name)
            with open(path, "rb") as f:
                out[os.path.normpath(os.path.join(rel, name))] = f.read()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mount")
    ap.add_argument("--ops", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--subdir", default="difftest")
    ap.add_argument("--max-size", type=int, default=65536)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    test_root = os.path.join(args.mount, args.subdir)
    os.mkdir(test_root)
    ref_root = tempfile.mkdtemp(prefix="configfs-diff-")
    bad = skipped = 0
    try:
        for i in range(args.ops):
            desc, fn, size = make_op(rng)
            if size and size(ref_root) > args.max_size:
                skipped += 1
                continue
            got, want = outcome(fn, test_root), outcome(fn, ref_root)
            if got != want:
                bad += 1
                short = lambda o: (o[0], o[1] if not isinstance(o[1], bytes)
                                   else f"{len(o[1])} bytes")
                print(f"op {i}: {desc}: configfs {short(got)}, "
                      f"reference {short(want)}")
                if bad >= 20:
                    break
        a, b = snapshot(test_root), snapshot(ref_root)
        if a != b:
            bad += 1
            for k in sorted(set(a) | set(b)):
                if a.get(k) != b.get(k):
                    print(f"tree differs at {k}")
        print(f"{args.ops} operations ({skipped} skipped), seed {args.seed}, "
              f"{len(b)} entries at the end, {bad} differences")
    finally:
        shutil.rmtree(ref_root)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
