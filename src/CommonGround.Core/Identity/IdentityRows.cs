namespace CommonGround.Identity;

/// <summary>How stores write and read the identity enums: stable lower-case words, never numbers.</summary>
public static class IdentityRows
{
    public static string Kind(EvidenceKind kind) => kind == EvidenceKind.Event ? "event" : "record";
    public static EvidenceKind Kind(string kind) => kind == "event" ? EvidenceKind.Event : EvidenceKind.Record;

    public static string Status(MergeStatus status) => status switch
    {
        MergeStatus.Active => "active",
        MergeStatus.Undone => "undone",
        _ => "reverted",
    };

    public static MergeStatus Status(string status) => status switch
    {
        "active" => MergeStatus.Active,
        "undone" => MergeStatus.Undone,
        _ => MergeStatus.Reverted,
    };

    public static string Reason(ConflictReason reason) => reason switch
    {
        ConflictReason.TypeLimit => "type-limit",
        ConflictReason.MergeCap => "merge-cap",
        _ => "undone-merge",
    };

    public static ConflictReason Reason(string reason) => reason switch
    {
        "type-limit" => ConflictReason.TypeLimit,
        "merge-cap" => ConflictReason.MergeCap,
        _ => ConflictReason.UndoneMerge,
    };
}
