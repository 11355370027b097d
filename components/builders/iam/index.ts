export { backupAccessPolicy, type BackupAccessPolicyArgs, type PrefixLocation } from "./backup-access";
export { bucketPolicy } from "./bucket-policy";
export { policyDocument, policyJson, type PolicyDocument, type PolicyStatement } from "./document";
export { instancePrefix, objectsArn, partitionOf, s3ServiceEndpoint } from "./paths";
