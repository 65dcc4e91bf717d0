import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trustedProxies } from './trusted-proxies';

describe('trustedProxies', () => {
    it('should take addresses, CIDR ranges and Express\'s named ranges, comma-separated or as a list', () => {
        assert.deepEqual(trustedProxies('10.0.0.5, 192.168.1.0/24,::1,fd00::/8,loopback'), ['10.0.0.5', '192.168.1.0/24', '::1', 'fd00::/8', 'loopback']);
        assert.deepEqual(trustedProxies(['uniquelocal', '127.0.0.1/32']), ['uniquelocal', '127.0.0.1/32']);
    });

    it('should refuse anything else, naming every bad entry and how to write a good one', () => {
        assert.throws(() => trustedProxies('10.0.0.5,true,10.0.0.0/33'),
            /^Error: Trusted proxies: "true", "10.0.0.0\/33" are not addresses\. Give the addresses or CIDR ranges .* such as --trust-proxy 10\.0\.0\.5,192\.168\.1\.0\/24/);
        for (const bad of ['proxy.example.com', '10.0.0.1/8/8', '10.0.0/8', '::1/129', '10.0.0.1/-1', '*']) {
            assert.throws(() => trustedProxies(bad), /is not an address/, bad);
        }
        assert.throws(() => trustedProxies(' , '), /No address was given/);
    });
});
