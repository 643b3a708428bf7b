private import CNGHTTP2

/// What an `NGHTTP2Session` reports while it parses input or produces output. Every call
/// comes from inside `receive`/`send` on the session's event loop; none may throw.
protocol NGHTTP2SessionDelegate: AnyObject {
    /// A HEADERS frame begins on `streamID` (a new request on a server; response headers or
    /// trailers on a client).
    func sessionBeginHeaders(streamID: Int32)
    /// One header field of the HEADERS frame being received.
    func sessionHeader(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)
    /// A complete HEADERS frame (with its CONTINUATIONs) arrived.
    func sessionEndHeaders(streamID: Int32, endStream: Bool)
    /// A chunk of a DATA frame's payload arrived.
    func sessionData(streamID: Int32, bytes: UnsafeRawBufferPointer)
    /// A DATA frame with END_STREAM arrived: the peer sends nothing more on `streamID`.
    func sessionDataEndStream(streamID: Int32)
    /// The stream closed; `errorCode` is the HTTP/2 error code of a reset, 0 for a clean close.
    func sessionStreamClosed(streamID: Int32, errorCode: UInt32)
    /// nghttp2 asks for the next bytes of `streamID`'s body. The delegate may submit trailers
    /// from here before answering `.end(count, endStream: false)`.
    func sessionReadData(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> NGHTTP2Session.DataRead
    /// A frame with END_STREAM went out on `streamID`.
    func sessionSentEndStream(streamID: Int32)
    /// The peer sent GOAWAY.
    func sessionGoAway(lastStreamID: Int32, errorCode: UInt32)
    /// The peer acknowledged one of our PINGs.
    func sessionPingAcknowledged()
    /// A frame that carries no call forward arrived (counted against flood limits).
    func sessionControlFrame(_ frame: NGHTTP2Session.ControlFrame)
}

extension NGHTTP2SessionDelegate {
    /// Clients count no floods.
    func sessionControlFrame(_ frame: NGHTTP2Session.ControlFrame) {}
}

/// One libnghttp2 session (the only type that calls nghttp2): it turns received bytes into
/// delegate events and submitted frames into bytes to write. Not thread-safe: it lives on its
/// connection's event loop.
final class NGHTTP2Session {
    /// The side of the connection.
    enum Role { case server, client }

    /// The delegate's answer to a body read.
    enum DataRead {
        /// `count` bytes written; more may follow.
        case bytes(Int)
        /// Nothing to send now: the body resumes after `resumeData`.
        case deferred
        /// `count` bytes written and the body is complete; `endStream` false means the delegate
        /// submitted trailers, which end the stream.
        case end(Int, endStream: Bool)
    }

    /// HTTP/2 settings this endpoint announces.
    struct Settings {
        var maxConcurrentStreams: Int?
        var initialStreamWindow: Int
        var connectionWindow: Int
        var maxHeaderListBytes: Int
        var enablePush: Bool?
        /// The limits nghttp2 itself enforces against floods (servers; nil keeps its defaults).
        var floodLimits: FloodLimits? = nil
    }

    /// A received frame that carries no call forward.
    enum ControlFrame {
        case ping, settings, resetStream, priority, emptyData
    }

    /// The oldest libnghttp2 whose behaviour and options this code relies on (Debian
    /// bookworm's 1.52.0 with its security backports: the stream reset rate limit of
    /// CVE-2023-44487 and the CONTINUATION limit of CVE-2024-27316).
    static let minimumLibraryVersion = (major: 1, minor: 52, patch: 0)

    /// The version of the libnghttp2 loaded at run time, e.g. "1.52.0".
    static var libraryVersion: String {
        guard let info = nghttp2_version(0), let text = info.pointee.version_str else { return "unknown" }
        return String(cString: text)
    }

    /// Whether the loaded libnghttp2 is at least `minimumLibraryVersion`.
    static var libraryIsSupported: Bool {
        let minimum = minimumLibraryVersion
        return nghttp2_version(Int32(minimum.major << 16 | minimum.minor << 8 | minimum.patch)) != nil
    }

    /// HTTP/2 error codes used by the transports.
    enum ErrorCode {
        static let noError: UInt32 = NGHTTP2_NO_ERROR.rawValue
        static let protocolError: UInt32 = NGHTTP2_PROTOCOL_ERROR.rawValue
        static let internalError: UInt32 = NGHTTP2_INTERNAL_ERROR.rawValue
        static let refusedStream: UInt32 = NGHTTP2_REFUSED_STREAM.rawValue
        static let cancel: UInt32 = NGHTTP2_CANCEL.rawValue
        static let enhanceYourCalm: UInt32 = NGHTTP2_ENHANCE_YOUR_CALM.rawValue
    }

    /// The result of feeding input to the session.
    enum ReceiveResult: Equatable {
        case ok
        /// The input did not start with the HTTP/2 client preface.
        case badPreface
        /// A fatal error; the session queued GOAWAY where it could.
        case fatal(String)
    }

    private var session: OpaquePointer?
    // The delegate owns the session and outlives it, so no reference counting is needed.
    private unowned(unsafe) let delegate: any NGHTTP2SessionDelegate
    let role: Role

    init(role: Role, delegate: any NGHTTP2SessionDelegate, settings: Settings) {
        self.role = role
        self.delegate = delegate
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, onBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, onHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, onFrameReceived)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, onDataChunk)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, onStreamClose)
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, onFrameSent)

        var option: OpaquePointer?
        nghttp2_option_new(&option)
        defer { nghttp2_option_del(option) }
        nghttp2_option_set_max_send_header_block_length(option, max(settings.maxHeaderListBytes, 16_384) * 4)
        // Windows open as the application consumes (`consumeConnection`, `consumeStream`).
        nghttp2_option_set_no_auto_window_update(option, 1)
        if let limits = settings.floodLimits {
            nghttp2_option_set_max_outbound_ack(option, limits.maxQueuedControlFrames)
            nghttp2_option_set_max_settings(option, 32)
            nghttp2_option_set_max_continuations(option, limits.maxContinuations)
            nghttp2_option_set_stream_reset_rate_limit(
                option, UInt64(limits.resetStream.burst * 2), UInt64(limits.resetStream.perSecond * 2)
            )
        }

        let userData = Unmanaged.passUnretained(self).toOpaque()
        var created: OpaquePointer?
        switch role {
        case .server: nghttp2_session_server_new2(&created, callbacks, userData, option)
        case .client: nghttp2_session_client_new2(&created, callbacks, userData, option)
        }
        session = created

        var entries: [nghttp2_settings_entry] = [
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                value: UInt32(settings.initialStreamWindow)),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                value: UInt32(settings.maxHeaderListBytes)),
        ]
        if let maxConcurrentStreams = settings.maxConcurrentStreams {
            entries.append(
                nghttp2_settings_entry(
                    settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                    value: UInt32(maxConcurrentStreams)))
        }
        if let enablePush = settings.enablePush {
            entries.append(
                nghttp2_settings_entry(
                    settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: enablePush ? 1 : 0))
        }
        nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), entries, entries.count)
        nghttp2_session_set_local_window_size(
            session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, Int32(clamping: settings.connectionWindow))
    }

    deinit {
        nghttp2_session_del(session)
    }

    // MARK: Input and output

    /// Feeds received bytes to the session.
    func receive(_ bytes: UnsafeRawBufferPointer) -> ReceiveResult {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return .ok }
        let result = nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        if result >= 0 { return .ok }
        if result == Int(NGHTTP2_ERR_BAD_CLIENT_MAGIC.rawValue) { return .badPreface }
        return .fatal(String(cString: nghttp2_strerror(Int32(result))))
    }

    /// Serializes frames ready to go, calling `write` with each chunk, until none is left or
    /// `maxBytes` were produced (frames are never split; `wantsWrite` tells whether more wait);
    /// returns false on a fatal error.
    func send(maxBytes: Int = .max, _ write: (UnsafeRawBufferPointer) -> Void) -> Bool {
        var produced = 0
        while produced < maxBytes {
            var data: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(session, &data)
            if count < 0 { return false }
            guard count > 0, let data else { return true }
            write(UnsafeRawBufferPointer(start: data, count: count))
            produced += count
        }
        return true
    }

    /// Whether the session still expects input.
    var wantsRead: Bool { nghttp2_session_want_read(session) != 0 }
    /// Whether the session has output to produce.
    var wantsWrite: Bool { nghttp2_session_want_write(session) != 0 }

    // MARK: Submitting frames

    /// Submits a request (client): HEADERS and a body read through the delegate. Returns the
    /// new stream's id, or nil when no stream can be opened.
    func submitRequest(_ headers: HTTP2HeaderList, endStream: Bool) -> Int32? {
        let streamID = withNameValues(headers) { nameValues, count in
            if endStream {
                return nghttp2_submit_request(session, nil, nameValues, count, nil, nil)
            }
            var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: readData)
            return nghttp2_submit_request(session, nil, nameValues, count, &provider, nil)
        }
        return streamID > 0 ? streamID : nil
    }

    /// Submits response headers (server); with `endStream` the response is headers only
    /// (a trailers-only gRPC response), otherwise the body is read through the delegate.
    @discardableResult
    func submitResponse(streamID: Int32, _ headers: HTTP2HeaderList, endStream: Bool) -> Bool {
        withNameValues(headers) { nameValues, count in
            if endStream {
                return nghttp2_submit_response(session, streamID, nameValues, count, nil)
            }
            var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: readData)
            return nghttp2_submit_response(session, streamID, nameValues, count, &provider)
        } == 0
    }

    /// Submits trailers, which end the stream.
    @discardableResult
    func submitTrailer(streamID: Int32, _ headers: HTTP2HeaderList) -> Bool {
        withNameValues(headers) { nameValues, count in
            nghttp2_submit_trailer(session, streamID, nameValues, count)
        } == 0
    }

    /// Resets a stream with an HTTP/2 error code.
    func submitReset(streamID: Int32, errorCode: UInt32) {
        nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, errorCode)
    }

    /// Sends GOAWAY naming the last stream this endpoint processed.
    func submitGoAway(errorCode: UInt32, debugMessage: String = "") {
        let lastStreamID = nghttp2_session_get_last_proc_stream_id(session)
        var debugData = Array(debugMessage.utf8)
        nghttp2_submit_goaway(
            session, UInt8(NGHTTP2_FLAG_NONE.rawValue), lastStreamID, errorCode, &debugData, debugData.count)
    }

    /// Ends the session with GOAWAY(`errorCode`); no more input is processed.
    func terminate(errorCode: UInt32) {
        nghttp2_session_terminate_session(session, errorCode)
    }

    /// Sends a PING.
    func submitPing() {
        nghttp2_submit_ping(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nil)
    }

    /// Wakes a body read that answered `.deferred`.
    func resumeData(streamID: Int32) {
        nghttp2_session_resume_data(session, streamID)
    }

    /// Reopens `count` bytes of the connection's receive window.
    func consumeConnection(_ count: Int) {
        nghttp2_session_consume_connection(session, count)
    }

    /// Reopens `count` bytes of a stream's receive window.
    func consumeStream(_ streamID: Int32, _ count: Int) {
        nghttp2_session_consume_stream(session, streamID, count)
    }

    /// Whether this side may still send on `streamID`.
    func isLocalOpen(streamID: Int32) -> Bool {
        nghttp2_session_get_stream_local_close(session, streamID) == 0
    }

    /// Whether the peer may still send on `streamID` (false when it half-closed or the stream is gone).
    func isRemoteOpen(streamID: Int32) -> Bool {
        nghttp2_session_get_stream_remote_close(session, streamID) == 0
    }

    /// The highest peer-initiated stream id processed so far.
    var lastProcessedStreamID: Int32 { nghttp2_session_get_last_proc_stream_id(session) }

    private func withNameValues<Result>(_ headers: HTTP2HeaderList, _ body: (UnsafePointer<nghttp2_nv>, Int) -> Result)
        -> Result
    {
        headers.bytes.withUnsafeBufferPointer { storage in
            let base = UnsafeMutablePointer(mutating: storage.baseAddress ?? UnsafePointer(bitPattern: 1)!)
            return withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: headers.count) { nameValues in
                for (index, field) in headers.fields.enumerated() {
                    nameValues[index] = nghttp2_nv(
                        name: base + field.nameStart, value: base + field.valueStart,
                        namelen: field.nameLength, valuelen: field.valueLength,
                        flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)
                    )
                }
                return body(UnsafePointer(nameValues.baseAddress!), headers.count)
            }
        }
    }

    fileprivate static func delegate(of userData: UnsafeMutableRawPointer?) -> any NGHTTP2SessionDelegate {
        Unmanaged<NGHTTP2Session>.fromOpaque(userData!).takeUnretainedValue().delegate
    }
}

// MARK: - C callbacks: recover the session from the user data, never throw.

private let headersType = UInt8(NGHTTP2_HEADERS.rawValue)
private let dataType = UInt8(NGHTTP2_DATA.rawValue)
private let goAwayType = UInt8(NGHTTP2_GOAWAY.rawValue)
private let pingType = UInt8(NGHTTP2_PING.rawValue)
private let settingsType = UInt8(NGHTTP2_SETTINGS.rawValue)
private let resetType = UInt8(NGHTTP2_RST_STREAM.rawValue)
private let priorityType = UInt8(NGHTTP2_PRIORITY.rawValue)
private let endStreamFlag = UInt8(NGHTTP2_FLAG_END_STREAM.rawValue)
private let ackFlag = UInt8(NGHTTP2_FLAG_ACK.rawValue)

private let onBeginHeaders: nghttp2_on_begin_headers_callback = { _, frame, userData in
    guard let frame, frame.pointee.hd.type == headersType else { return 0 }
    NGHTTP2Session.delegate(of: userData).sessionBeginHeaders(streamID: frame.pointee.hd.stream_id)
    return 0
}

private let onHeader: nghttp2_on_header_callback = { _, frame, name, nameLength, value, valueLength, _, userData in
    guard let frame, frame.pointee.hd.type == headersType else { return 0 }
    NGHTTP2Session.delegate(of: userData).sessionHeader(
        streamID: frame.pointee.hd.stream_id,
        name: UnsafeRawBufferPointer(start: name, count: nameLength),
        value: UnsafeRawBufferPointer(start: value, count: valueLength)
    )
    return 0
}

private let onFrameReceived: nghttp2_on_frame_recv_callback = { _, frame, userData in
    guard let frame else { return 0 }
    let header = frame.pointee.hd
    let delegate = NGHTTP2Session.delegate(of: userData)
    switch header.type {
    case headersType:
        delegate.sessionEndHeaders(streamID: header.stream_id, endStream: header.flags & endStreamFlag != 0)
    case dataType where header.flags & endStreamFlag != 0:
        delegate.sessionDataEndStream(streamID: header.stream_id)
    case dataType where header.length == 0:
        delegate.sessionControlFrame(.emptyData)
    case goAwayType:
        delegate.sessionGoAway(
            lastStreamID: frame.pointee.goaway.last_stream_id, errorCode: frame.pointee.goaway.error_code)
    case pingType where header.flags & ackFlag != 0:
        delegate.sessionPingAcknowledged()
    case pingType:
        delegate.sessionControlFrame(.ping)
    case settingsType where header.flags & ackFlag == 0:
        delegate.sessionControlFrame(.settings)
    case resetType:
        delegate.sessionControlFrame(.resetStream)
    case priorityType:
        delegate.sessionControlFrame(.priority)
    default:
        break
    }
    return 0
}

private let onDataChunk: nghttp2_on_data_chunk_recv_callback = { _, _, streamID, data, length, userData in
    NGHTTP2Session.delegate(of: userData).sessionData(
        streamID: streamID, bytes: UnsafeRawBufferPointer(start: data, count: length))
    return 0
}

private let onStreamClose: nghttp2_on_stream_close_callback = { _, streamID, errorCode, userData in
    NGHTTP2Session.delegate(of: userData).sessionStreamClosed(streamID: streamID, errorCode: errorCode)
    return 0
}

private let onFrameSent: nghttp2_on_frame_send_callback = { _, frame, userData in
    guard let frame else { return 0 }
    let header = frame.pointee.hd
    if header.type == headersType || header.type == dataType, header.flags & endStreamFlag != 0 {
        NGHTTP2Session.delegate(of: userData).sessionSentEndStream(streamID: header.stream_id)
    }
    return 0
}

private let readData: nghttp2_data_source_read_callback = { _, streamID, buffer, length, dataFlags, _, userData in
    let target = UnsafeMutableRawBufferPointer(start: buffer, count: length)
    switch NGHTTP2Session.delegate(of: userData).sessionReadData(streamID: streamID, into: target) {
    case .bytes(let count):
        return count
    case .deferred:
        return Int(NGHTTP2_ERR_DEFERRED.rawValue)
    case .end(let count, let endStream):
        dataFlags?.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
        if !endStream { dataFlags?.pointee |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue }
        return count
    }
}
