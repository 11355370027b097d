/**
 * The control plane's certificates, made with openssl for one run: a CA, the
 * API server's serving certificate for 127.0.0.1, a `system:masters` client
 * certificate for the suite (and the controllers), the API server's client
 * certificate for kubelets, and the service-account signing key pair.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface ControlPlaneCerts {
  readonly dir: string;
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
  /** The API server's client certificate for kubelets (`kubectl exec`, `logs`). */
  readonly kubeletClientCert: string;
  readonly kubeletClientKey: string;
}

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? "");
    throw new Error(`openssl ${args[0]} failed (install it with apt-get install openssl): ${stderr || (error as Error).message}`);
  }
}

export function makeCerts(dir: string): ControlPlaneCerts {
  const p = (name: string) => join(dir, name);
  openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "2",
    "-subj",
    "/CN=openclaw-e2e-ca",
  ]);
  const sign = (name: string, subject: string, extensions: string) => {
    writeFileSync(p(`${name}.ext`), extensions);
    openssl(dir, [
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      subject,
    ]);
    openssl(dir, [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
    ]);
  };
  sign(
    "apiserver",
    "/CN=kube-apiserver",
    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n" +
      "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n",
  );
  sign(
    "admin",
    "/O=system:masters/CN=openclaw-e2e-admin",
    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n",
  );
  sign(
    "kubelet-client",
    "/O=system:masters/CN=kube-apiserver-kubelet-client",
    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n",
  );
  openssl(dir, ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "sa.key"]);
  openssl(dir, ["pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
  return {
    dir,
    caCert: p("ca.crt"),
    serverCert: p("apiserver.crt"),
    serverKey: p("apiserver.key"),
    adminCert: p("admin.crt"),
    adminKey: p("admin.key"),
    serviceAccountKey: p("sa.key"),
    serviceAccountPub: p("sa.pub"),
    kubeletClientCert: p("kubelet-client.crt"),
    kubeletClientKey: p("kubelet-client.key"),
  };
}

/** A serving certificate signed by the run's CA for the given IP addresses (a real node's kubelet). */
export function signServingCert(certs: ControlPlaneCerts, name: string, ips: readonly string[]): { cert: string; key: string } {
  const dir = certs.dir;
  writeFileSync(
    join(dir, `${name}.ext`),
    `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${ips.map((ip) => `IP:${ip}`).join(",")}\n`,
  );
  openssl(dir, [
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    `/CN=${name}`,
  ]);
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    `${name}.crt`,
    "-days",
    "2",
    "-extfile",
    `${name}.ext`,
  ]);
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

/** A kubeconfig with the admin identity and every certificate inline. */
export function writeKubeconfig(path: string, certs: ControlPlaneCerts, server: string, context: string): void {
  const b64 = (file: string) => readFileSync(file).toString("base64");
  writeFileSync(
    path,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- name: ${context}`,
      "  cluster:",
      `    server: ${server}`,
      `    certificate-authority-data: ${b64(certs.caCert)}`,
      "users:",
      `- name: ${context}-admin`,
      "  user:",
      `    client-certificate-data: ${b64(certs.adminCert)}`,
      `    client-key-data: ${b64(certs.adminKey)}`,
      "contexts:",
      `- name: ${context}`,
      "  context:",
      `    cluster: ${context}`,
      `    user: ${context}-admin`,
      `current-context: ${context}`,
      "",
    ].join("\n"),
  );
}
