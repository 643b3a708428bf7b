/// Where one tensor lives in a safetensors file and what it holds.
public struct TensorInfo: Sendable, Hashable {
    /// The tensor's name in the header.
    public let name: String
    /// The element type.
    public let dtype: TensorDType
    /// The dimensions, outermost first; empty for a scalar.
    public let shape: [Int]
    /// The byte range within the data section (which starts after the header).
    public let dataRange: Range<Int>

    /// Creates a description of a tensor; the reader validates these before making one.
    public init(name: String, dtype: TensorDType, shape: [Int], dataRange: Range<Int>) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.dataRange = dataRange
    }

    /// The number of elements (the product of the shape; 1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }
}
