/**
 * What an S3 endpoint and bucket name must be, checked at config time: a wrong one would
 * otherwise surface only when the first backup runs, hours after `pulumi up`.
 */

/** Why `bucket` breaks S3's naming rules, or undefined when it is a valid name. */
export function bucketNameProblem(bucket: string): string | undefined {
  if (bucket.length < 3 || bucket.length > 63) return "must be 3 to 63 characters long";
  if (!/^[a-z0-9.-]+$/.test(bucket)) return "may hold only lowercase letters, digits, '.' and '-'";
  if (!/^[a-z0-9]/.test(bucket) || !/[a-z0-9]$/.test(bucket)) return "must start and end with a lowercase letter or digit";
  if (bucket.includes("..")) return "must not contain two adjacent periods";
  if (bucket.includes(".-") || bucket.includes("-.")) return "must not have '-' next to '.'";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(bucket)) return "must not look like an IP address";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(bucket)) return "must not start with xn--, sthree- or amzn-s3-demo- (reserved by S3)";
  if (/(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(bucket))
    return "must not end with -s3alias, --ol-s3, --x-s3 or --table-s3 (reserved by S3)";
  return undefined;
}

/** Why `endpoint` is not a usable S3 endpoint URL, or undefined when it is one. */
export function endpointProblem(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return `uses ${url.protocol.replace(/:$/, "")}://; an S3 endpoint is an http:// or https:// URL`;
  if (url.username !== "" || url.password !== "")
    return "carries credentials in the URL, which would sit in plain text in the stack file and the pod spec; remove them and set backup.store.credentials ({ secretRef }) instead";
  if (url.search !== "" || url.hash !== "") return "must not carry a query or fragment";
  if (url.pathname !== "/" && url.pathname !== "")
    return "must be the server's root URL without a path (the bucket goes in backup.store.bucket)";
  return undefined;
}
