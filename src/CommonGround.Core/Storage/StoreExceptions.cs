namespace CommonGround.Storage;

/// <summary>The request clashes with what is stored (a name taken, for example). Maps to HTTP 409.</summary>
public sealed class ConflictException(string message) : Exception(message);

/// <summary>The store cannot be opened or reached; the message says what to do. Maps to HTTP 503.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
