/// The served `.proto` files of a `FileDescriptorSet`, indexed once at start-up for reflection:
/// each file's serialized `FileDescriptorProto` by name, the file defining each fully qualified
/// symbol (service, method, message, nested message, field, oneof, enum, enum value,
/// extension), and the extensions declared for each message type.
///
/// Only the files a served service needs are kept: those defining the served services and
/// everything they import, directly or not. A `.proto` compiled into the set whose service
/// is not registered (the Echo test service without `--enable-echo`) is not described.
struct DescriptorIndex: Sendable {
    /// One `.proto` file.
    struct File: Sendable {
        /// The serialized `FileDescriptorProto`, exactly as protoc wrote it.
        let serialized: [UInt8]
        /// The names of the files it imports.
        let dependencies: [String]
    }

    /// Why a descriptor set cannot be indexed; a build or registration mistake, not a client's.
    enum Failure: Error, CustomStringConvertible {
        case malformed(String)
        case serviceWithoutDescriptor(String)
        case missingDependency(file: String, dependency: String)

        var description: String {
            switch self {
            case .malformed(let reason): "the served descriptor set is not a FileDescriptorSet: \(reason)"
            case .serviceWithoutDescriptor(let service):
                "service \(service) is served but its .proto is not in the descriptor set: add it to PROTOS in scripts/generate-protos.sh"
            case .missingDependency(let file, let dependency):
                "\(file) imports \(dependency), which the descriptor set lacks"
            }
        }
    }

    /// The names of the served services, sorted.
    let services: [String]
    /// Every kept file by name.
    private(set) var files: [String: File] = [:]
    /// The file defining each fully qualified symbol (no leading dot).
    private(set) var symbols: [String: String] = [:]
    /// For each extended message type (fully qualified, no leading dot), its extension numbers
    /// and the file declaring each.
    private(set) var extensions: [String: [Int32: String]] = [:]

    /// Indexes the files of `descriptorSet` that `services` (fully qualified names) need.
    init(descriptorSet: [UInt8], services: some Sequence<String>) throws(Failure) {
        self.services = Set(services).sorted()
        var allFiles: [String: ParsedFile] = [:]
        do {
            for field in try ProtobufFields.all(descriptorSet[...]) where field.number == 1 {
                guard let bytes = field.bytes else { throw Failure.malformed("field file is not length-delimited") }
                let file = try ParsedFile(bytes)
                allFiles[file.name] = file
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .malformed("\(error)")
        }

        // The files defining a served service, then everything they import.
        var pending: [String] = []
        for service in self.services {
            guard let file = allFiles.values.first(where: { $0.symbols.contains(service) }) else {
                throw .serviceWithoutDescriptor(service)
            }
            pending.append(file.name)
        }
        while let name = pending.popLast() {
            guard files[name] == nil, let file = allFiles[name] else { continue }
            for dependency in file.dependencies where allFiles[dependency] == nil {
                throw .missingDependency(file: name, dependency: dependency)
            }
            files[name] = File(serialized: file.serialized, dependencies: file.dependencies)
            for symbol in file.symbols { symbols[symbol] = name }
            for (extendee, number) in file.extensions { extensions[extendee, default: [:]][number] = name }
            pending += file.dependencies
        }
    }

    /// The serialized descriptors of `name` and of every file it imports, directly or not:
    /// the named file first, each file once. Nil when no served file has that name.
    func descriptorsWithDependencies(of name: String) -> [[UInt8]]? {
        guard files[name] != nil else { return nil }
        var answer: [[UInt8]] = []
        var seen: Set<String> = []
        var pending = [name]
        while !pending.isEmpty {
            let next = pending.removeFirst()
            guard seen.insert(next).inserted, let file = files[next] else { continue }
            answer.append(file.serialized)
            pending += file.dependencies
        }
        return answer
    }
}

/// What the index reads from one serialized `FileDescriptorProto`.
private struct ParsedFile {
    let name: String
    let serialized: [UInt8]
    var dependencies: [String] = []
    var symbols: [String] = []
    var extensions: [(extendee: String, number: Int32)] = []

    // Field numbers of google/protobuf/descriptor.proto.
    private enum FileField {
        static let name: UInt64 = 1, package: UInt64 = 2, dependency: UInt64 = 3, messageType: UInt64 = 4,
            enumType: UInt64 = 5, service: UInt64 = 6, extensions: UInt64 = 7
    }
    private enum MessageField {
        static let name: UInt64 = 1, field: UInt64 = 2, nestedType: UInt64 = 3, enumType: UInt64 = 4,
            extensions: UInt64 = 6, oneofDecl: UInt64 = 8
    }
    private enum FieldField { static let name: UInt64 = 1, extendee: UInt64 = 2, number: UInt64 = 3 }
    /// `name` is field 1 of every descriptor; enum values (`EnumDescriptorProto.value`) and
    /// methods (`ServiceDescriptorProto.method`) are field 2 of theirs.
    private static let nameField: UInt64 = 1, childField: UInt64 = 2

    init(_ bytes: ArraySlice<UInt8>) throws {
        serialized = Array(bytes)
        let fields = try ProtobufFields.all(bytes)
        guard let name = fields.last(where: { $0.number == FileField.name })?.string else {
            throw DescriptorIndex.Failure.malformed("a FileDescriptorProto without a name")
        }
        self.name = name
        let package = fields.last(where: { $0.number == FileField.package })?.string ?? ""
        let scope = package.isEmpty ? "" : package + "."
        for field in fields {
            switch field.number {
            case FileField.dependency: if let dependency = field.string { dependencies.append(dependency) }
            case FileField.messageType: try addMessage(field, scope: scope)
            case FileField.enumType: try addEnum(field, scope: scope)
            case FileField.service: try addService(field, scope: scope)
            case FileField.extensions: try addExtension(field, scope: scope)
            default: break
            }
        }
    }

    private mutating func addMessage(_ message: ProtobufFields.Field, scope: String) throws {
        let fields = try Self.fields(of: message)
        let fullName = scope + Self.name(in: fields)
        symbols.append(fullName)
        for field in fields {
            switch field.number {
            case MessageField.field, MessageField.oneofDecl:
                symbols.append(fullName + "." + Self.name(in: try Self.fields(of: field)))
            case MessageField.nestedType: try addMessage(field, scope: fullName + ".")
            case MessageField.enumType: try addEnum(field, scope: fullName + ".")
            case MessageField.extensions: try addExtension(field, scope: fullName + ".")
            default: break
            }
        }
    }

    /// An enum and its values; as in protobuf's scoping, the values are siblings of the enum.
    private mutating func addEnum(_ enumeration: ProtobufFields.Field, scope: String) throws {
        let fields = try Self.fields(of: enumeration)
        symbols.append(scope + Self.name(in: fields))
        for value in fields where value.number == Self.childField {
            symbols.append(scope + Self.name(in: try Self.fields(of: value)))
        }
    }

    private mutating func addService(_ service: ProtobufFields.Field, scope: String) throws {
        let fields = try Self.fields(of: service)
        let fullName = scope + Self.name(in: fields)
        symbols.append(fullName)
        for method in fields where method.number == Self.childField {
            symbols.append(fullName + "." + Self.name(in: try Self.fields(of: method)))
        }
    }

    private mutating func addExtension(_ field: ProtobufFields.Field, scope: String) throws {
        let fields = try Self.fields(of: field)
        symbols.append(scope + Self.name(in: fields))
        guard let extendee = fields.last(where: { $0.number == FieldField.extendee })?.string,
            let number = fields.last(where: { $0.number == FieldField.number })?.varint
        else { return }
        // protoc writes resolved names with a leading dot.
        extensions.append((extendee: String(extendee.drop { $0 == "." }), number: Int32(truncatingIfNeeded: number)))
    }

    private static func fields(of field: ProtobufFields.Field) throws -> [ProtobufFields.Field] {
        guard let bytes = field.bytes else {
            throw DescriptorIndex.Failure.malformed("field \(field.number) is not a message")
        }
        return try ProtobufFields.all(bytes)
    }

    private static func name(in fields: [ProtobufFields.Field]) -> String {
        fields.last(where: { $0.number == nameField })?.string ?? ""
    }
}
