"""A small SMTP server for tests and the benchmark: it keeps what it receives.

It can refuse chosen recipients (550) and take its time over each message, to stand in
for a slow or fussy mail server. Only what the Django SMTP backend says is understood.
"""

import re
import socketserver
import threading
import time

MESSAGE_ID = re.compile(rb"^Message-ID: (<[^>]+>)", re.MULTILINE | re.IGNORECASE)


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        sink: SmtpSink = self.server.sink  # type: ignore[attr-defined]
        sink.connections += 1
        self.reply("220 sink ready")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "RCPT":
                address = command.partition(":")[2].strip().strip("<>")
                refused = address in sink.refuse
                self.reply("550 5.1.1 No such user" if refused else "250 OK")
            elif verb == "DATA":
                self.reply("354 go ahead")
                self._read_message(sink)
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL, RSET, NOOP
                self.reply("250 OK")

    def _read_message(self, sink: "SmtpSink") -> None:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line)
        if sink.delay:
            time.sleep(sink.delay)
        with sink.lock:
            sink.messages.append(b"".join(lines))
        self.reply("250 queued")


class SmtpSink:
    def __init__(self, *, refuse: set[str] | None = None, delay: float = 0.0) -> None:
        self.refuse = refuse or set()
        self.delay = delay
        self.messages: list[bytes] = []
        self.connections = 0
        self.lock = threading.Lock()
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.sink = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "SmtpSink":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def message_ids(self) -> list[str]:
        with self.lock:
            return [m.group(1).decode() for raw in self.messages if (m := MESSAGE_ID.search(raw))]
