#!/usr/bin/env python3
"""Checks a Storekeep journal export (docs/journal-format.md) with nothing but Python's standard
library: an auditor's independent second opinion on `storekeep journal verify`.

    python3 verify_journal.py journal.jsonl

Checks, per register: sequences 1, 2, 3... without a gap; each entry's prev_hash is the hash
of the entry before (32 zero bytes for the first); each hash is SHA-256 over the canonical
encoding; receipt numbers of sales and returns run 1, 2, 3...; each X/Z report's grand totals
equal the sum of the sales and returns before it. Exits 0 when all holds, 1 at the first
problem (printed).
"""
import hashlib
import json
import sys
from decimal import Decimal

TAG = b"storekeep-journal-v1"


def entry_hash(prev: bytes, fields: list[str]) -> bytes:
    h = hashlib.sha256()
    h.update(prev)
    h.update(TAG)
    for f in fields:
        b = f.encode("utf-8")
        h.update(len(b).to_bytes(8, "big"))
        h.update(b)
    return h.digest()


def fail(line_no: int, what: str) -> None:
    print(f"PROBLEM at line {line_no}: {what}")
    sys.exit(1)


def main(path: str) -> None:
    registers: dict[str, dict] = {}
    n = 0
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            e = json.loads(line)
            reg = registers.setdefault(
                e["register_id"],
                {"seq": 0, "prev": bytes(32), "receipt": 0, "sales": Decimal(0), "returns": Decimal(0)},
            )
            if e["seq"] != reg["seq"] + 1:
                fail(line_no, f"sequence {e['seq']} follows {reg['seq']}")
            if bytes.fromhex(e["prev_hash"]) != reg["prev"]:
                fail(line_no, f"entry {e['seq']} does not point at the entry before it")
            fields = [e["register_id"], str(e["seq"]), e["kind"], e["recorded_at"], e["payload"]]
            h = entry_hash(reg["prev"], fields)
            if h.hex() != e["hash"]:
                fail(line_no, f"entry {e['seq']} has been changed: its content does not match its hash")
            payload = json.loads(e["payload"])
            if e["kind"] in ("sale", "return"):
                if payload["receipt_no"] != reg["receipt"] + 1:
                    fail(line_no, f"receipt {payload['receipt_no']} follows {reg['receipt']}")
                reg["receipt"] += 1
            if e["kind"] in ("x_report", "z_report"):
                grand = payload["grand"]
                if Decimal(grand["sales"]) != reg["sales"] or Decimal(grand["returns"]) != reg["returns"]:
                    fail(line_no, f"report {payload['number']}: grand totals {grand} but the registrations add up to "
                         f"{reg['sales']} and {reg['returns']}")
            if e["kind"] == "sale":
                reg["sales"] += Decimal(payload["total"])
            if e["kind"] == "return":
                reg["returns"] += Decimal(payload["total"])
            reg["seq"] = e["seq"]
            reg["prev"] = h
            n += 1
    receipts = sum(r["receipt"] for r in registers.values())
    sales = sum(r["sales"] for r in registers.values())
    returns = sum(r["returns"] for r in registers.values())
    print(f"OK: {n} entries, {receipts} receipts, grand total sales {sales}, returns {returns}, net {sales - returns}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1])
