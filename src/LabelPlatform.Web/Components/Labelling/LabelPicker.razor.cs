using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace LabelPlatform.Web.Components.Labelling;

/// <summary>
/// Picks one label for an item by click or keyboard: keys 1–9 and 0 choose the first ten labels,
/// arrows move, Enter submits. One tab stop for the whole group, as an ARIA radio group.
/// </summary>
public partial class LabelPicker
{
    private ElementReference _group;
    private string? _selected;
    private object? _shownItem;

    [Parameter, EditorRequired] public IReadOnlyList<string> Labels { get; set; } = [];

    /// <summary>Identifies the item on show; a new item clears the selection.</summary>
    [Parameter] public object? ItemKey { get; set; }

    [Parameter] public bool Disabled { get; set; }

    [Parameter] public EventCallback<string> OnSubmit { get; set; }

    public string? Selected => _selected;

    public static string? ShortcutFor(int index) => index switch
    {
        < 9 => (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        9 => "0",
        _ => null,
    };

    public ValueTask FocusAsync() => _group.FocusAsync();

    protected override void OnParametersSet()
    {
        if (!Equals(_shownItem, ItemKey))
        {
            _shownItem = ItemKey;
            _selected = null;
        }
    }

    private void Select(string label) => _selected = label;

    private async Task OnKeyDown(KeyboardEventArgs e)
    {
        if (Disabled || Labels.Count == 0 || e.CtrlKey || e.AltKey || e.MetaKey)
        {
            return;
        }

        switch (e.Key)
        {
            case "Enter":
                await SubmitAsync();
                return;
            case "ArrowRight" or "ArrowDown":
                Move(+1);
                return;
            case "ArrowLeft" or "ArrowUp":
                Move(-1);
                return;
        }

        if (e.Key is [var c] && char.IsAsciiDigit(c))
        {
            var index = c == '0' ? 9 : c - '1';
            if (index < Labels.Count)
            {
                _selected = Labels[index];
            }
        }
    }

    private void Move(int step)
    {
        var current = _selected is null ? (step > 0 ? -1 : 0) : IndexOf(_selected);
        _selected = Labels[((current + step) % Labels.Count + Labels.Count) % Labels.Count];
    }

    private int IndexOf(string label)
    {
        for (var i = 0; i < Labels.Count; i++)
        {
            if (Labels[i] == label)
            {
                return i;
            }
        }

        return -1;
    }

    private async Task SubmitAsync()
    {
        if (_selected is not null && !Disabled)
        {
            await OnSubmit.InvokeAsync(_selected);
        }
    }
}
