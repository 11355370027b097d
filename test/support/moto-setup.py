"""Prepares a moto server that enforces IAM and SigV4: one IAM user with a key and an allow-all
policy (created while moto still accepts unsigned requests, INITIAL_NO_AUTH_ACTION_COUNT=3), then
the buckets, signed with that key. Prints the key as JSON on stdout.

usage: moto-setup.py ENDPOINT BUCKET[:lock] ...
  :lock  an Object Lock bucket with a default GOVERNANCE retention of 1 day, so every upload
         must carry a checksum (Content-MD5 or x-amz-sdk-checksum-algorithm).
"""
import json
import sys

import boto3

endpoint = sys.argv[1]
common = dict(endpoint_url=endpoint, region_name="us-east-1")
bootstrap = dict(aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap", **common)

iam = boto3.client("iam", **bootstrap)
iam.create_user(UserName="engine-tests")
key = iam.create_access_key(UserName="engine-tests")["AccessKey"]
iam.put_user_policy(
    UserName="engine-tests",
    PolicyName="all",
    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
)

s3 = boto3.client("s3", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"], **common)
for spec in sys.argv[2:]:
    name, _, option = spec.partition(":")
    if option == "lock":
        s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
        s3.put_object_lock_configuration(
            Bucket=name,
            ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}},
        )
    else:
        s3.create_bucket(Bucket=name)

print(json.dumps({"accessKeyId": key["AccessKeyId"], "secretAccessKey": key["SecretAccessKey"]}))
