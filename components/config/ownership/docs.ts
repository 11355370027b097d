/**
 * The ownership section of docs/security.md, generated from the registry
 * (`npm run docs:security`; test/docs/security-table.test.ts keeps it equal).
 */
import { RESERVED_NAMESPACES } from "./global-names";
import { GUARDED_ANNOTATIONS } from "./pass-through";
import { ownershipRules } from "./registry";

const cell = (text: string) => text.replace(/\|/g, "\\|");

export const OWNERSHIP_BEGIN = "<!-- ownership:begin -->";
export const OWNERSHIP_END = "<!-- ownership:end -->";

export function ownershipMarkdown(): string {
  const rows = ownershipRules().map((r) => `| ${cell(r.what)} | ${cell(r.names)} | ${cell(r.owner)} | ${cell(r.mayRefer)} |`);
  const annotations = GUARDED_ANNOTATIONS.map((a) => `- ${a.keys}: ${a.why}.`);
  return [
    "| What | Names | Owner | Who may refer to it |",
    "|---|---|---|---|",
    ...rows,
    "",
    "Annotations refused unless `platform.tenants.<tenant>.allowedAnnotations` lists them (on `ingress.annotations`, `service.annotations` and `rbac.serviceAccountAnnotations`; values set in `defaults` are the platform team's own):",
    "",
    ...annotations,
    "",
    `Namespaces no tenant may take: \`kube-*\`, ${RESERVED_NAMESPACES.filter((n) => !n.startsWith("kube-"))
      .map((n) => `\`${n}\``)
      .join(
        ", ",
      )}, \`backup.monitoring.namespace\`, the namespace of an in-cluster store endpoint, the resolver's (\`cluster.kubernetes.dns.namespace\`), \`cluster.kubernetes.reservedNamespaces\`, and any namespace another tenant's NetworkPolicy admits.`,
  ].join("\n");
}

/** The document with its ownership block replaced by the generated one. */
export function withOwnershipBlock(document: string): string {
  const begin = document.indexOf(OWNERSHIP_BEGIN);
  const end = document.indexOf(OWNERSHIP_END);
  if (begin < 0 || end < begin) throw new Error(`docs/security.md has no ${OWNERSHIP_BEGIN} … ${OWNERSHIP_END} block`);
  return `${document.slice(0, begin + OWNERSHIP_BEGIN.length)}\n${ownershipMarkdown()}\n${document.slice(end)}`;
}
