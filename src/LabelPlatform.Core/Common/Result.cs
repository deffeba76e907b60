namespace LabelPlatform.Common;

/// <summary>An expected failure: a stable code for programs and a sentence for people.</summary>
public sealed record Error(string Code, string Message)
{
    /// <summary>For a validation error: what is wrong with each field, by field name.</summary>
    public IReadOnlyDictionary<string, string[]>? Fields { get; init; }

    public static Error Invalid(IEnumerable<(string Field, string Message)> fields)
    {
        var list = fields.ToList();
        return new("validation", string.Join(" ", list.Select(f => f.Message)))
        {
            Fields = list.GroupBy(f => f.Field).ToDictionary(g => g.Key, g => g.Select(f => f.Message).ToArray()),
        };
    }

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
