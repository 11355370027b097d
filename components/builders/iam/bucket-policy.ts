import { policyDocument, type PolicyDocument } from "./document";

/** The bucket's own policy: no request without TLS, from anyone, for anything. */
export function bucketPolicy(bucketArn: string): PolicyDocument {
  return policyDocument([
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ]);
}
