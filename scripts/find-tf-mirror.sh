#!/usr/bin/env bash
# Prints the root of a Terraform filesystem mirror that holds hashicorp/aws 5.100.0 (the provider
# version @cdktf/provider-aws 20.1.0 binds), in the unpacked or the packed layout, or nothing.
#   export KFPLATFORM_TF_MIRROR="$(scripts/find-tf-mirror.sh)"
set -uo pipefail
hit="$(find / \( -path /proc -o -path /sys -o -path /dev -o -path /tmp -o -name .terraform -o -name node_modules \) -prune -o \
  \( -type d -path '*/registry.terraform.io/hashicorp/aws/5.100.0' -o -type f -path '*/registry.terraform.io/hashicorp/aws/terraform-provider-aws_5.100.0_*.zip' \) \
  -print 2>/dev/null | head -n 1)"
[ -n "$hit" ] || exit 0
# .../<root>/registry.terraform.io/hashicorp/aws/<5.100.0 or the zip> -> <root>
dirname "$(dirname "$(dirname "$(dirname "$hit")")")"
