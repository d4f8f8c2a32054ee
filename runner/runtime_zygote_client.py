# The client of the runtime's zygote (see runtime_zygote.go), run as
# python3 -I -S -c <this> SOCKET SCRIPT ARGS... in place of python3 SCRIPT
# ARGS...: it hands its argv, stdin, stdout and stderr to the zygote,
# relays the signals it gets to the program, and ends as the program did.
# Without a zygote, or when the zygote cannot run this program as this
# process would, it runs python3 itself. Only builtin modules: it starts
# in a few milliseconds.
import _signal
import _socket
import array
import os
import sys

sock, argv = sys.argv[1], sys.argv[2:]
RELAYED = (_signal.SIGTERM, _signal.SIGINT, _signal.SIGHUP, _signal.SIGQUIT)


def fallback():
    os.execvp("python3", ["python3"] + argv)


try:
    c = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    c.connect(sock)
    fields = [os.fsencode(os.getcwd()), b"%d" % len(argv)] + [os.fsencode(a) for a in argv]
    fields += [k + b"=" + v for k, v in os.environb.items()]
    c.sendmsg([b"".join(f + b"\0" for f in fields)],
              [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, array.array("i", [0, 1, 2]).tobytes())])
except OSError:
    fallback()


def relay(sig, _):
    try:
        c.send(bytes([sig]))
    except OSError:
        pass


for s in RELAYED:
    _signal.signal(s, relay)


buf = b""


def line():
    global buf
    while b"\n" not in buf:
        data = c.recv(64)
        if not data:
            break
        buf += data
    first, _, buf = buf.partition(b"\n")
    return first.decode()


# Until the zygote says the program started, nothing of it has run.
if line() != "started":
    c.close()
    fallback()
how, _, n = line().partition(" ")
if how == "signal":
    if int(n) in RELAYED:
        _signal.signal(int(n), _signal.SIG_DFL)
    os.kill(os.getpid(), int(n))
    os._exit(128 + int(n))
if how != "exit":
    sys.stderr.write("labrunner: the program's supervisor ended without saying how the program did\n")
    os._exit(125)
os._exit(int(n))
