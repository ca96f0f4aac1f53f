#!/usr/bin/python3
"""Independent check of an SKR with dnspython: read the XML, rebuild each bundle's DNSKEY RRset and
RRSIGs from its fields, and validate every RRSIG as a resolver would, at a time inside the bundle.
Prints one JSON object; exits 0 only when every RRSIG of every bundle validates."""
import base64
import json
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import dns.dnssec
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.rrset


def seconds(text):
    text = text.strip().replace('Z', '+00:00')
    t = datetime.fromisoformat(text)
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return int(t.timestamp())


def rrsig_time(t):
    return datetime.fromtimestamp(t, tz=timezone.utc).strftime('%Y%m%d%H%M%S')


def main(path):
    root = ET.parse(path).getroot()
    zone = dns.name.from_text(root.get('domain'))
    report = []
    ok = True
    for bundle in root.find('Response').findall('ResponseBundle'):
        inception = seconds(bundle.find('Inception').text)
        keys = bundle.findall('Key')
        ttl = int(keys[0].find('TTL').text)
        dnskeys = dns.rrset.from_text_list(zone, ttl, 'IN', 'DNSKEY', [
            '%s %s %s %s' % (k.find('Flags').text, k.find('Protocol').text, k.find('Algorithm').text, k.find('PublicKey').text) for k in keys
        ])
        results = []
        for sig in bundle.findall('Signature'):
            text = 'DNSKEY %s %s %s %s %s %s %s %s' % (
                sig.find('Algorithm').text, sig.find('Labels').text, sig.find('OriginalTTL').text,
                rrsig_time(seconds(sig.find('SignatureExpiration').text)), rrsig_time(seconds(sig.find('SignatureInception').text)),
                sig.find('KeyTag').text, sig.find('SignersName').text, sig.find('SignatureData').text)
            rrsigs = dns.rrset.from_text_list(zone, int(sig.find('TTL').text), 'IN', 'RRSIG', [text])
            try:
                dns.dnssec.validate(dnskeys, rrsigs, {zone: dnskeys}, now=inception + 1)
                results.append({'keyTag': int(sig.find('KeyTag').text), 'valid': True})
            except dns.dnssec.ValidationFailure as e:
                ok = False
                results.append({'keyTag': int(sig.find('KeyTag').text), 'valid': False, 'error': str(e)})
        if not results:
            ok = False
        report.append({'id': bundle.get('id'), 'keys': len(keys), 'signatures': results})
    print(json.dumps({'ok': ok, 'bundles': report}))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
