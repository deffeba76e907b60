namespace LabelPlatform.Common;

/// <summary>An expected failure: a stable code for programs and a sentence for people.</summary>
public sealed record Error(string Code, string Message)
{
    public static Error NotFound(string what) => new("not_found", $"{what} was not found.");
    public static Error Validation(string message) => new("validation", message);
    public static Error Conflict(string message) => new("conflict", message);
    public static Error Forbidden(string message) => new("forbidden", message);
}

/// <summary>Either a value or an <see cref="Error"/>; expected failures travel as values, not exceptions.</summary>
public readonly record struct Result<T>
{
    private Result(T? value, Error? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public Error? Error { get; }

    public bool IsSuccess => Error is null;

    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Fail(Error error) => new(default, error);

    public static implicit operator Result<T>(T value) => Ok(value);

    public static implicit operator Result<T>(Error error) => Fail(error);
}
