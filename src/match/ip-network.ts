/** Parse an IPv4 or IPv6 address into bytes, or undefined when it is not one. */
export function parseIp(text: string): Uint8Array | undefined {
  const address = text.trim()
  if (address.includes(':')) return parseIpv6(address)
  return parseIpv4(address)
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  const bytes = new Uint8Array(4)
  for (let i = 0; i < 4; i++) {
    const part = parts[i] as string
    if (!/^\d{1,3}$/.test(part)) return undefined
    const value = Number(part)
    if (value > 255) return undefined
    bytes[i] = value
  }
  return bytes
}

function parseIpv6(text: string): Uint8Array | undefined {
  const zoneless = text.split('%')[0] as string
  const halves = zoneless.split('::')
  if (halves.length > 2) return undefined
  const head = halves[0] === '' ? [] : (halves[0] as string).split(':')
  const tail = halves.length === 2 && halves[1] !== '' ? (halves[1] as string).split(':') : []
  const groups: number[] = []
  const readGroups = (list: string[]): boolean => {
    for (const [index, group] of list.entries()) {
      if (index === list.length - 1 && group.includes('.')) {
        const v4 = parseIpv4(group)
        if (!v4) return false
        groups.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number))
      } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) groups.push(parseInt(group, 16))
      else return false
    }
    return true
  }
  if (!readGroups(head)) return undefined
  const headCount = groups.length
  if (!readGroups(tail)) return undefined
  const tailGroups = groups.splice(headCount)
  const missing = 8 - groups.length - tailGroups.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined
  const all = [...groups, ...new Array<number>(missing).fill(0), ...tailGroups]
  const bytes = new Uint8Array(16)
  all.forEach((group, index) => {
    bytes[index * 2] = group >> 8
    bytes[index * 2 + 1] = group & 0xff
  })
  return bytes
}

/** A parsed network `address/prefix`, or undefined when the text is not one. */
export interface IpNetwork {
  bytes: Uint8Array
  prefix: number
}

export function parseNetwork(text: string): IpNetwork | undefined {
  const slash = text.lastIndexOf('/')
  if (slash < 0) return undefined
  const bytes = parseIp(text.slice(0, slash))
  const prefixText = text.slice(slash + 1)
  if (!bytes || !/^\d{1,3}$/.test(prefixText)) return undefined
  const prefix = Number(prefixText)
  if (prefix > bytes.length * 8) return undefined
  return { bytes, prefix }
}

/** Whether an address lies inside a network of the same family. */
export function networkContains(network: IpNetwork, address: Uint8Array): boolean {
  if (address.length !== network.bytes.length) return false
  let bits = network.prefix
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff
    if (((address[i] as number) & mask) !== ((network.bytes[i] as number) & mask)) return false
  }
  return true
}
