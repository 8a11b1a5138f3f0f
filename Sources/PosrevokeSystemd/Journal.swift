import CSystemd

/// Writes native journal entries through `sd_journal_sendv`.
///
/// Fields are packed into one contiguous buffer and the iovecs point into it, so no per-field pointer scopes nest.
public enum JournalSender {
    /// Sends one entry made of `NAME=value` fields; values may hold newlines or any bytes.
    /// Returns 0 on success or a negative errno, as libsystemd does.
    @discardableResult
    public static func send(_ fields: [(name: String, value: String)]) -> Int32 {
        guard !fields.isEmpty else { return -22 }  // EINVAL
        var buffer: [UInt8] = []
        var spans: [(start: Int, count: Int)] = []
        spans.reserveCapacity(fields.count)
        for field in fields {
            let start = buffer.count
            buffer.append(contentsOf: field.name.utf8)
            buffer.append(UInt8(ascii: "="))
            buffer.append(contentsOf: field.value.utf8)
            spans.append((start, buffer.count - start))
        }
        return buffer.withUnsafeMutableBytes { raw -> Int32 in
            guard let base = raw.baseAddress else { return -22 }
            let vectors = spans.map { iovec(iov_base: base + $0.start, iov_len: $0.count) }
            return vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        }
    }
}
