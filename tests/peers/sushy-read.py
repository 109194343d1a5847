#!/usr/bin/python3
"""sushy-read.py - a reference Redfish client's view of one service, as JSON.

Usage: sushy-read.py URL USER < PASSWORD_FILE
(the password comes on stdin, or from $SUSHY_PASSWORD; never from argv).

Reads, with OpenStack's python3-sushy (session auth, falling back to Basic as
sushy does), the first system's PowerState and the first chassis's legacy
Thermal resource, and prints {"power": "on"|"off"|..., "temperatures":
{name: celsius}, "fans": {name: reading}}.  TLS is not verified: the test
peers' certificates are self-signed per run and live on 127.0.0.1 only.
"""
import json
import os
import sys
import warnings

import sushy
from sushy import auth


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: sushy-read.py URL USER < PASSWORD_FILE")
    url, user = sys.argv[1], sys.argv[2]
    password = os.environ.get("SUSHY_PASSWORD") or sys.stdin.readline().strip()
    warnings.simplefilter("ignore")
    root = sushy.Sushy(url + "/redfish/v1/", verify=False,
                       auth=auth.SessionOrBasicAuth(username=user, password=password))
    system = root.get_system_collection().get_members()[0]
    out = {"power": str(system.power_state), "temperatures": {}, "fans": {}}
    chassis = root.get_chassis_collection().get_members()[0]
    thermal = chassis.thermal
    for t in thermal.temperatures or []:
        if t.reading_celsius is not None:
            out["temperatures"][t.name] = t.reading_celsius
    for f in thermal.fans or []:
        if f.reading is not None:
            out["fans"][f.name] = f.reading
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
