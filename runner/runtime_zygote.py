# The runtime's zygote (see runtime_zygote.go): a root process that has
# imported the labs' drivers once and forks, for every connection on its
# socket, a supervisor that forks the learner's program. It never runs a
# learner's code itself, and nothing of a program reaches it: a program is
# a copy made by fork, of another user, which cannot signal, trace or
# write to it. Run as root: python3 - SOCKET USER PRELOAD... <this
import os
import pwd
import signal
import sys

SOCK, UID = sys.argv[1], pwd.getpwnam(sys.argv[2]).pw_uid
PRELOAD = sys.argv[3:]
for _name in PRELOAD:
    try:
        __import__(_name)
    except Exception:
        pass
del _name

import _socket  # noqa: E402
import array  # noqa: E402
import builtins  # noqa: E402
import fcntl  # noqa: E402
import importlib.machinery  # noqa: E402
import resource  # noqa: E402
import select  # noqa: E402
import types  # noqa: E402

# What the interpreter read from its environment at startup: a run whose
# environment differs in these runs in a fresh interpreter.
def startup_env(env):
    return {k: v for k, v in env.items() if k.startswith(("PYTHON", "LC_")) or k == "LANG"}


STARTUP_ENV = startup_env(os.environ)
# The names of /proc/PID/limits.
LIMITS = {
    name: getattr(resource, "RLIMIT_" + r)
    for name, r in [
        ("Max cpu time", "CPU"), ("Max file size", "FSIZE"), ("Max data size", "DATA"),
        ("Max stack size", "STACK"), ("Max core file size", "CORE"), ("Max resident set", "RSS"),
        ("Max processes", "NPROC"), ("Max open files", "NOFILE"), ("Max locked memory", "MEMLOCK"),
        ("Max address space", "AS"), ("Max file locks", "LOCKS"), ("Max pending signals", "SIGPENDING"),
        ("Max msgqueue size", "MSGQUEUE"), ("Max nice priority", "NICE"),
        ("Max realtime priority", "RTPRIO"), ("Max realtime timeout", "RTTIME"),
    ]
    if hasattr(resource, "RLIMIT_" + r)
}


def proc(pid, name):
    with open(f"/proc/{pid}/{name}", "rb") as f:
        return f.read()


def peer_process(conn):
    """What the kernel says of the client: its identity, umask and limits
    (its environment and folder are not readable without privileges the
    zygote lacks; the client sends those, which it could set itself)."""
    cred = conn.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, 12)
    pid, uid, gid = array.array("i", cred)
    if uid != UID:
        raise ValueError("peer is not the program's user")
    status = proc_status(pid)
    limits = []
    for line in proc(pid, "limits").decode().splitlines()[1:]:
        name = " ".join(line[:26].split())
        soft, hard = line[26:].split()[:2]
        if name in LIMITS:
            limits.append((LIMITS[name], (rlim(soft), rlim(hard))))
    p = {
        "gid": gid,
        "groups": [int(g) for g in status.get("Groups", [])],
        "umask": int(status["Umask"][0], 8),
        "limits": limits,
    }
    # The pid is still the client's, of the same user and group.
    for st in (status, proc_status(pid)):
        if st["Uid"] != [str(UID)] * 4 or st["Gid"] != [str(gid)] * 4:
            raise ValueError("peer changed")
    return p


def rlim(v):
    return resource.RLIM_INFINITY if v == "unlimited" else int(v)


def proc_status(pid):
    status = {}
    for line in proc(pid, "status").decode().splitlines():
        k, _, v = line.partition(":")
        status[k] = v.split()
    return status


def recv_request(conn):
    """The client's folder, argv and environment (NUL-separated: folder,
    argc, argv, environment), with its stdin, stdout and stderr."""
    conn.settimeout(5)
    msg, anc, _, _ = conn.recvmsg(1 << 20, _socket.CMSG_SPACE(3 * 4))
    fds = array.array("i")
    for level, kind, data in anc:
        if level == _socket.SOL_SOCKET and kind == _socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - len(data) % 4])
    if len(fds) != 3 or not msg.endswith(b"\0"):
        raise ValueError("bad request")
    conn.settimeout(None)
    fields = msg[:-1].split(b"\0")
    cwd, argc = os.fsdecode(fields[0]), int(fields[1])
    argv = [os.fsdecode(a) for a in fields[2 : 2 + argc]]
    env = {}
    for item in fields[2 + argc :]:
        k, eq, v = item.partition(b"=")
        if eq:
            env[os.fsdecode(k)] = os.fsdecode(v)
    if len(argv) != argc or not argv or startup_env(env) != STARTUP_ENV:
        raise ValueError("bad request, or the interpreter's environment differs")
    return cwd, argv, env, list(fds)


def child(p, cwd, argv, env, fds, report_w):
    """In the program's process, as root: become the client's process,
    then the script's __main__. Returns its source, path and module."""
    os.setsid()
    for i, fd in enumerate(fds):
        os.dup2(fd, i)
    os.closerange(3, report_w)
    os.closerange(report_w + 1, 65536)
    for r, lim in p["limits"]:
        resource.setrlimit(r, lim)
    os.umask(p["umask"])
    os.setgroups(p["groups"])
    os.setgid(p["gid"])
    os.setuid(UID)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    import site
    site.USER_BASE = site.USER_SITE = None
    path = argv[0]
    with open(path, "rb") as f:
        src = f.read()
    sys.argv = argv
    sys.orig_argv = [sys.executable] + argv
    sys.path[0] = os.path.dirname(os.path.realpath(path))
    # As the interpreter makes the __main__ of a script.
    path = os.path.abspath(path)
    main = types.ModuleType("__main__")
    main.__file__ = path
    main.__cached__ = None
    main.__annotations__ = {}
    main.__builtins__ = builtins
    main.__loader__ = importlib.machinery.SourceFileLoader("__main__", path)
    sys.modules["__main__"] = main
    os.close(report_w)
    return src, path, main


def supervise(conn):
    """In the supervisor (root): fork the program, relay the client's
    signals to it, report how it ended; kill it when the client is gone."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    try:
        p = peer_process(conn)
        cwd, argv, env, fds = recv_request(conn)
        report_r, report_w = os.pipe()
        pid = os.fork()
    except Exception:
        os._exit(0)  # the client runs python3 itself
    if pid == 0:
        os.close(report_r)
        conn.detach()
        try:
            return child(p, cwd, argv, env, fds, report_w)
        except BaseException:
            try:
                os.write(report_w, b"F")
            finally:
                os._exit(255)
    try:
        watch(conn, pid, report_r, report_w, fds)
    finally:
        os._exit(0)


def watch(conn, pid, report_r, report_w, fds):
    """Until the program ends: relay the client's signals to it, kill it
    when the client is gone; then tell the client how it ended."""
    os.close(report_w)
    for fd in fds:
        os.close(fd)
    if os.read(report_r, 1) == b"F":
        os.waitpid(pid, 0)
        return  # the client runs python3 itself
    os.close(report_r)
    conn.sendall(b"started\n")
    pidfd = os.pidfd_open(pid)
    while True:
        ready, _, _ = select.select([conn, pidfd], [], [])
        if pidfd in ready:
            break
        data = conn.recv(16)
        if not data:
            kill_group(pid, signal.SIGKILL)
            break
        for b in data:
            if b in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):
                kill_group(pid, b)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        conn.sendall(b"signal %d\n" % os.WTERMSIG(status))
    else:
        conn.sendall(b"exit %d\n" % os.waitstatus_to_exitcode(status))


def kill_group(pid, sig):
    """Signal the program's process group, and the program itself (which
    may have left it)."""
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, sig)
        except OSError:
            pass


def serve():
    """Accept connections forever; returns only in a program's process."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # supervisors are reaped by the kernel
    d = os.path.dirname(SOCK)
    os.makedirs(d, mode=0o755, exist_ok=True)
    # One zygote per socket: one started while another is still importing
    # leaves.
    lock = os.open(SOCK + ".lock", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os._exit(0)
    try:
        os.unlink(SOCK)
    except FileNotFoundError:
        pass
    srv = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    old = os.umask(0o111)
    srv.bind(SOCK)
    os.umask(old)
    srv.listen(64)
    with open(SOCK + ".pid", "w") as f:
        f.write(f"{os.getpid()}\n")
    os.set_inheritable(lock, False)
    while True:
        try:
            fd, _ = srv._accept()
        except OSError:
            continue
        conn = _socket.socket(fileno=fd)
        try:
            pid = os.fork()
        except OSError:
            conn.close()
            continue
        if pid == 0:
            srv.close()
            os.close(lock)
            return supervise(conn)
        conn.close()


def daemonize():
    if os.fork() > 0:
        os._exit(0)
    os.setsid()
    if os.fork() > 0:
        os._exit(0)
    os.chdir("/")


daemonize()
_src, _path, _main = serve()
del (SOCK, UID, PRELOAD, STARTUP_ENV, LIMITS, startup_env, proc, proc_status, peer_process,
     rlim, recv_request, child, supervise, watch, kill_group, serve, daemonize)
try:
    _code = compile(_src, _path, "exec", dont_inherit=True)
except (SyntaxError, ValueError) as _e:
    # As the interpreter reports a script it cannot compile.
    sys.excepthook(type(_e), _e.with_traceback(None), None)
    raise SystemExit(1)
del _src
try:
    exec(_code, _main.__dict__)
except SystemExit:
    raise
except BaseException as _e:
    _e = _e.with_traceback(_e.__traceback__.tb_next)  # without this file's frame
    sys.excepthook(type(_e), _e, _e.__traceback__)
    if isinstance(_e, KeyboardInterrupt):
        sys.stdout.flush()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    raise SystemExit(1)
