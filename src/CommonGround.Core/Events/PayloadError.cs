namespace CommonGround.Events;

/// <summary>
/// What is wrong with one event of a request: its index in the batch (null for the request itself),
/// the field (a JSON path such as "userId" or "properties.price") and a message a person can act on.
/// </summary>
public sealed record PayloadError(int? Index, string Field, string Message)
{
    public override string ToString() =>
        (Index, Field.Length) switch
        {
            (int i, > 0) => $"batch[{i}].{Field}: {Message}",
            (int i, 0) => $"batch[{i}]: {Message}",
            (null, > 0) => $"{Field}: {Message}",
            _ => Message,
        };
}

/// <summary>The request was refused as a whole; nothing of it was stored.</summary>
public sealed class InvalidPayloadException(string title, IReadOnlyList<PayloadError> errors)
    : Exception(title + " " + string.Join("; ", errors))
{
    public string Title { get; } = title;
    public IReadOnlyList<PayloadError> Errors { get; } = errors;
}
