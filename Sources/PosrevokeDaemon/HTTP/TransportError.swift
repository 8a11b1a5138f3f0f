import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// A fixed, secret-free description of an error from the HTTP client or the network below it.
///
/// Some of AsyncHTTPClient's errors carry the request's header values (an invalid header value is quoted whole), so
/// an error is never interpolated as it is: known errors get a fixed phrase, an `errno` its `strerror`, and anything
/// else only its type's name.
package enum TransportError {
    package static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return describe(error) }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        if let error = error as? NIOConnectionError {
            if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
                return "cannot resolve the host name"
            }
            if let first = error.connectionErrors.first?.error { return "cannot connect: \(describe(first))" }
            return "cannot connect"
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout: return "connect timed out"
            case .eof: return "the connection was closed"
            case .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed:
                return "the connection was closed"
            default: return "connection error"
            }
        }
        return "transport error (\(String(describing: type(of: error))))"
    }

    private static func describe(_ error: HTTPClientError) -> String {
        let known: [(HTTPClientError, String)] = [
            (.connectTimeout, "connect timed out"),
            (.tlsHandshakeTimeout, "TLS handshake timed out"),
            (.readTimeout, "read timed out"),
            (.writeTimeout, "write timed out"),
            (.deadlineExceeded, "deadline exceeded"),
            (.remoteConnectionClosed, "the connection was closed before the answer was complete"),
            (.cancelled, "the request was cancelled"),
            (.alreadyShutdown, "the HTTP client is shut down"),
            (.getConnectionFromPoolTimeout, "no connection free in time"),
            (.invalidURL, "the URL is not valid"),
            (.emptyHost, "the URL has no host"),
            (.emptyScheme, "the URL has no scheme"),
            (.bodyLengthMismatch, "the body length does not match its Content-Length"),
            (.contentLengthMissing, "the answer has no Content-Length"),
            (.redirectLimitReached, "too many redirects"),
            (.redirectCycleDetected, "a redirect cycle"),
            (.uncleanShutdown, "the connection was closed uncleanly"),
        ]
        if let phrase = known.first(where: { $0.0 == error })?.1 { return phrase }
        // The rest include invalid header names or values (quoted whole: a token could be among them).
        return "HTTP client error (the request or the answer was refused before it was complete)"
    }

    /// `text` with every occurrence of `secret` replaced: an answer that echoes a token keeps it out of the journal.
    package static func redacting(_ secret: String?, in text: String) -> String {
        guard let secret, !secret.isEmpty, text.contains(secret) else { return text }
        return text.replacingOccurrences(of: secret, with: "[redacted]")
    }
}
