import { BlockList, isIPv4, isIPv6 } from 'node:net'

const IPV4_NETWORK = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/
const IPV6_NETWORK = /^([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)\/(\d{1,3})$/

/**
 * Build a test for an IPv4 or IPv6 network written as `address/prefix`, or
 * return null when `text` is not one. The test is false for values that are
 * not IP addresses; an IPv4-mapped IPv6 address matches its IPv4 network.
 */
export function parseNetwork(text: string): ((value: string) => boolean) | null {
  const v4 = IPV4_NETWORK.exec(text)
  if (v4 !== null) {
    const address = v4[1] as string
    const prefix = Number(v4[2])
    if (!isIPv4(address) || prefix > 32) return null
    return subnetTest(address, prefix, 'ipv4')
  }

  const v6 = IPV6_NETWORK.exec(text)
  if (v6 !== null) {
    const address = v6[1] as string
    const prefix = Number(v6[2])
    if (!isIPv6(address) || prefix > 128) return null
    return subnetTest(address, prefix, 'ipv6')
  }
  return null
}

function subnetTest(
  address: string,
  prefix: number,
  family: 'ipv4' | 'ipv6',
): (value: string) => boolean {
  const network = new BlockList()
  network.addSubnet(address, prefix, family)
  return (value) => {
    const ip = value.trim()
    if (isIPv4(ip)) return network.check(ip, 'ipv4')
    if (isIPv6(ip)) return network.check(ip, 'ipv6')
    return false
  }
}
