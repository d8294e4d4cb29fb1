#!/usr/bin/python3
"""One SMTP server of the WebShield test world (python3 + Debian's python3-aiosmtpd).

    smtpd.py NAME ADDR PORT BEHAVIOUR CERT KEY LOG READYFILE

BEHAVIOUR is one of
    starttls    EHLO offers STARTTLS, TLS 1.2+ with CERT/KEY
    nostarttls  EHLO does not offer STARTTLS
    refuse      EHLO offers STARTTLS, the command is answered "454 4.7.0 TLS not available"
    oldtls      STARTTLS with TLS 1.0/1.1 only (needs @SECLEVEL=0 on Debian 12's OpenSSL 3)
    tlsfail     STARTTLS answered 220, then junk bytes instead of a TLS handshake, then close
    silent      accepts TCP connections and never sends a byte (a probe must time out)

Every accepted connection appends exactly one line to LOG ("<time> <NAME> connect <peer>").
READYFILE is created once the socket listens.  Messages are accepted and discarded.
"""
import asyncio
import datetime
import ssl
import sys

from aiosmtpd.smtp import SMTP, syntax


class Discard:
    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 discarded"


def main():
    name, addr, port, behaviour, cert, key, logpath, ready = sys.argv[1:9]
    port = int(port)

    tls = None
    if behaviour not in ("nostarttls", "silent"):
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if cert != "-":
            tls.load_cert_chain(cert, key)
        if behaviour == "oldtls":
            tls.set_ciphers("DEFAULT:@SECLEVEL=0")
            tls.minimum_version = ssl.TLSVersion.TLSv1
            tls.maximum_version = ssl.TLSVersion.TLSv1_1
        else:
            tls.minimum_version = ssl.TLSVersion.TLSv1_2

    logfile = open(logpath, "a", buffering=1)

    class WorldSMTP(SMTP):
        def connection_made(self, transport):
            # aiosmtpd calls this again after a STARTTLS handshake: count only the TCP connection.
            if self._original_transport is None:
                peer = transport.get_extra_info("peername")
                now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
                logfile.write("%s %s connect %s:%s\n" % (now, name, peer[0], peer[1]))
            super().connection_made(transport)

        @syntax("STARTTLS", when="tls_context")
        async def smtp_STARTTLS(self, arg):
            if behaviour == "refuse":
                await self.push("454 4.7.0 TLS not available")
                return
            if behaviour == "tlsfail":
                await self.push("220 2.0.0 Ready to start TLS")
                self.transport.write(b"this is not a TLS server hello\r\n")
                self.transport.close()
                return
            await super().smtp_STARTTLS(arg)

    class Silent(asyncio.Protocol):
        def connection_made(self, transport):
            peer = transport.get_extra_info("peername")
            now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            logfile.write("%s %s connect %s:%s\n" % (now, name, peer[0], peer[1]))

    def factory():
        if behaviour == "silent":
            return Silent()
        return WorldSMTP(Discard(), hostname=name + ".smtp.world", tls_context=tls,
                         require_starttls=False, auth_require_tls=False)

    async def serve():
        server = await asyncio.get_running_loop().create_server(factory, addr, port, reuse_address=True)
        open(ready, "w").close()
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
