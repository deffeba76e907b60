using Microsoft.AspNetCore.Components;

namespace LabelPlatform.Web.Components.Billing;

/// <summary>
/// A form that moves money. It carries one request id per filled-in form, so a double click or a
/// resubmit of the same form acts once (the use case is keyed by it); changing any field through
/// <see cref="Change{T}"/> makes it a new request. <see cref="Busy"/> ignores clicks while one runs.
/// </summary>
public abstract class KeyedForm : ComponentBase
{
    protected Guid RequestId { get; private set; } = Guid.NewGuid();

    protected bool Busy { get; set; }

    protected void Change<T>(ref T field, T value)
    {
        if (!EqualityComparer<T>.Default.Equals(field, value))
        {
            field = value;
            RequestId = Guid.NewGuid();
        }
    }
}
