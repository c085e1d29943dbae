import { addressBytes, isPublicAddress } from './address-rules';

describe('which addresses a webhook may reach', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '169.254.0.1',
    '100.64.0.1',
    '0.0.0.0',
    '192.0.2.10',
    '198.18.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '[::1]',
    'fe80::1',
    'fe80::1%eth0',
    'fd00:ec2::254',
    'fc00::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    '::127.0.0.1',
    '2001:db8::1',
    '2002:7f00:1::',
    // Outside global unicast (2000::/3): reserved, unassigned or special-purpose space.
    '4000::1',
    '5f00::1',
    '8000::1',
    'e000::1',
    '100:0:0:1::1',
    '100::1',
    'not-an-address',
    '',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '2606:4700::1111',
    '2a00:1450:4001:82a::200e',
    '::ffff:8.8.8.8',
  ])('accepts the public address %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('reads every IPv6 notation to the same 16 bytes', () => {
    const expected = [...new Array<number>(10).fill(0), 0xff, 0xff, 127, 0, 0, 1];
    expect(addressBytes('::ffff:127.0.0.1')).toEqual(expected);
    expect(addressBytes('::ffff:7f00:1')).toEqual(expected);
    expect(addressBytes('0:0:0:0:0:ffff:7f00:0001')).toEqual(expected);
    expect(addressBytes('fd00:ec2::254')).toEqual([
      0xfd,
      0x00,
      0x0e,
      0xc2,
      ...new Array<number>(10).fill(0),
      0x02,
      0x54,
    ]);
  });
});
