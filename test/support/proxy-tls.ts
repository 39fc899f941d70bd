import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import type { TestTls } from "./tls.ts";
import { makeTempDir } from "./temp.ts";

/** A throw-away certificate authority that issues server certificates for given names. */
export interface TestCa {
  dir: string;
  caPath: string;
  ca: string;
  /** A server certificate for `names` (DNS names or IP addresses), signed by this CA. */
  issue(file: string, names: string[]): { certPath: string; keyPath: string; cert: string; key: string };
}

/**
 * Makes a CA with the machine's `openssl`, like `createTestTls`, but for any names: the proxy
 * tests need a second, separate CA (the proxy's own) and host names only the proxy resolves.
 * The files are world-readable because squid reads them after dropping root for its own user.
 */
export function createTestCa(name: string, dir = makeTempDir("ta-dm-pki-")): TestCa {
  chmodSync(dir, 0o755);
  const run = (args: string[]): void => {
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  };
  run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
    "-days", "2", "-subj", `/CN=${name}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  const caPath = join(dir, "ca.pem");

  return {
    dir,
    caPath,
    ca: readFileSync(caPath, "utf8"),
    issue(file, names) {
      const san = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(",");
      writeFileSync(join(dir, `${file}.ext`),
        `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
      run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${file}.key`, "-out", `${file}.csr`,
        "-subj", `/CN=${names[0] ?? file}`]);
      run(["x509", "-req", "-in", `${file}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", `${file}.pem`, "-days", "2", "-extfile", `${file}.ext`]);
      const certPath = join(dir, `${file}.pem`);
      const keyPath = join(dir, `${file}.key`);
      chmodSync(keyPath, 0o644);
      return { certPath, keyPath, cert: readFileSync(certPath, "utf8"), key: readFileSync(keyPath, "utf8") };
    },
  };
}

/**
 * The stand-ins' TLS (the shape `createWorld` takes) with extra host names in the server
 * certificate, for hosts that only the proxy can resolve.
 */
export function createWorldTls(extraNames: string[]): TestTls {
  const ca = createTestCa("TA-defender-mssp test CA");
  const server = ca.issue("server", ["localhost", ...extraNames, "127.0.0.1", "::1"]);
  return { dir: ca.dir, caPath: ca.caPath, ca: ca.ca, cert: server.cert, key: server.key };
}
