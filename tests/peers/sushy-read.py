#!/usr/bin/python3
"""sushy-read.py - a reference Redfish client's view of one service, as JSON.

Usage: sushy-read.py URL USER < PASSWORD_FILE
(the password comes on stdin, or from $SUSHY_PASSWORD; never from argv).

Reads, with OpenStack's python3-sushy (session auth, falling back to Basic as
sushy does), the first system's PowerState and the first chassis's legacy
Thermal resource (sensors that are Absent left out), and prints {"power": "on"|"off"|..., "temperatures":
{name: celsius}, "fans": {name: reading}}.  TLS is not verified: the test
peers' certificates are self-signed per run and live on 127.0.0.1 only.
"""
import json
import os
import sys
import warnings

import requests
import sushy
from sushy import auth


def absent(sensor):
    """Status.State Absent: its reading (often 0) means nothing."""
    state = sensor.status.state if sensor.status is not None else None
    return str(getattr(state, "value", state)).lower() == "absent"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: sushy-read.py URL USER < PASSWORD_FILE")
    url, user = sys.argv[1], sys.argv[2]
    password = os.environ.get("SUSHY_PASSWORD") or sys.stdin.readline().strip()
    warnings.simplefilter("ignore")
    # requests lets these override verify=False (its issue 3829).
    for var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        os.environ.pop(var, None)
    public = requests.Session()
    public.verify = False
    root = sushy.Sushy(url, verify=False, public_connector=public,
                       auth=auth.SessionOrBasicAuth(username=user, password=password))
    system = root.get_system(root.get_system_collection().members_identities[0])
    power = system.power_state
    out = {"power": str(getattr(power, "value", power)), "temperatures": {}, "fans": {}}
    thermal = None
    # The first chassis with a Thermal resource (a partial set may list
    # members it does not have).
    for ident in root.get_chassis_collection().members_identities:
        try:
            thermal = root.get_chassis(ident).thermal
            break
        except sushy.exceptions.SushyError:
            continue
    if thermal is None:
        sys.exit("sushy-read.py: no chassis with a Thermal resource")
    for t in thermal.temperatures or []:
        if t.reading_celsius is not None and not absent(t):
            out["temperatures"][t.name] = t.reading_celsius
    for f in thermal.fans or []:
        if f.reading is not None and not absent(f):
            out["fans"][f.name] = f.reading
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
