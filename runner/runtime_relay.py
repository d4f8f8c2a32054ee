# The port of a serving runtime (see runtime_relay.go): a TCP relay from a
# published port to the learner's program on the lab's internal network.
# It runs none of the learner's code and connects only to the program.
# Run: python3 -I -S -c <this> UPSTREAM_HOST PORT
import socket
import sys
import threading

HOST, PORT = sys.argv[1], int(sys.argv[2])
MAX_CONNS = 64
slots = threading.BoundedSemaphore(MAX_CONNS)
# The program's address, looked up once (a DNS round trip per connection
# is most of a request's time) and again when a connection to it fails:
# its container may have been replaced.
upstream = [None]


def connect():
    for fresh in (False, True):
        if fresh or upstream[0] is None:
            try:
                upstream[0] = socket.getaddrinfo(HOST, PORT, socket.AF_INET, socket.SOCK_STREAM)[0][4]
            except OSError:
                upstream[0] = None
                raise
        try:
            return socket.create_connection(upstream[0], timeout=2)
        except OSError:
            if fresh:
                raise
    raise OSError("unreachable")


def nodelay(s):
    # Relayed as it comes: Nagle's wait for an ACK, against the client's
    # delayed ACK, would hold a response's second write for 40 ms.
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for s, how in ((dst, socket.SHUT_WR), (src, socket.SHUT_RD)):
        try:
            s.shutdown(how)
        except OSError:
            pass


def serve(client):
    try:
        try:
            up = connect()
        except OSError:
            # Nothing listens: the client sees the connection reset, as it
            # would with the program itself.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
            return
        up.settimeout(None)
        nodelay(up)
        nodelay(client)
        t = threading.Thread(target=pipe, args=(up, client), daemon=True)
        t.start()
        pipe(client, up)
        t.join()
        up.close()
    finally:
        client.close()
        slots.release()


def main():
    ln = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ln.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ln.bind(("0.0.0.0", PORT))
    ln.listen(128)
    while True:
        client, _ = ln.accept()
        slots.acquire()
        threading.Thread(target=serve, args=(client,), daemon=True).start()


main()
