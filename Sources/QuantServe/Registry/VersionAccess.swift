/// Which loaded versions of a model a request may use.
///
/// Every caller gets the serving version, by number or with version 0. A READY version that is
/// not serving answers only admin-authorized calls: an operator's canary check before
/// `ServeVersion`, never ordinary traffic that happens to name its number.
public enum VersionAccess: Sendable {
    /// The serving version only (ordinary calls).
    case servingOnly
    /// The serving version or any READY one (admin-authorized calls).
    case anyReady
}
