import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "./temp.ts";

/** A throw-away certificate authority and one server certificate for loopback. */
export interface TestTls {
  /** Directory holding ca.pem, server.pem, server.key. */
  dir: string;
  caPath: string;
  ca: string;
  cert: string;
  key: string;
}

/**
 * Generates a CA and a server certificate for `localhost`, `127.0.0.1` and `::1` with the
 * machine's `openssl`, so every stand-in serves HTTPS and the product keeps TLS verification on.
 */
export function createTestTls(dir = makeTempDir("ta-dm-tls-")): TestTls {
  const run = (args: string[]): void => {
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  };
  run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
    "-days", "2", "-subj", "/CN=TA-defender-mssp test CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
    "-subj", "/CN=localhost"]);
  writeFileSync(join(dir, "server.ext"),
    "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n" +
      "basicConstraints=CA:FALSE\n");
  run(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
    "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext"]);

  const caPath = join(dir, "ca.pem");
  return {
    dir,
    caPath,
    ca: readFileSync(caPath, "utf8"),
    cert: readFileSync(join(dir, "server.pem"), "utf8"),
    key: readFileSync(join(dir, "server.key"), "utf8"),
  };
}
