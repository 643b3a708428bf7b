/// One linear layer of the encoder: its layer index and role.
struct LinearSite: Hashable, Sendable {
    let layer: Int
    let role: LinearRole
}
