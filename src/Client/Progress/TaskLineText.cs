using System.Globalization;

namespace Ensemble.Client.Progress;

/// <summary>How a <see cref="TaskLine"/> reads on screen: a bar and one line of numbers.</summary>
public static class TaskLineText
{
    /// <summary>A bar of <paramref name="width"/> cells filled to <see cref="TaskLine.Fraction"/>.</summary>
    public static string Bar(TaskLine task, int width = 24)
    {
        var filled = (int)Math.Round(task.Fraction * width);
        return new string('█', filled) + new string('░', width - filled);
    }

    /// <summary>e.g. <c>epoch 3/8  loss 0.4123  1,812 samples/s  ETA 0:42</c>; the state or last message when not training.</summary>
    public static string Detail(TaskLine task, DateTimeOffset now)
    {
        var culture = CultureInfo.InvariantCulture;
        if (task.State is "running" && task.Epoch is { } epoch && task.Epochs is { } epochs)
        {
            var text = string.Create(culture, $"epoch {epoch}/{epochs}");
            if (task.Loss is { } loss) text += string.Create(culture, $"  loss {loss:0.0000}");
            if (task.SamplesPerSecond is { } rate) text += string.Create(culture, $"  {rate:N0} samples/s");
            if (task.Remaining(now) is { } left) text += $"  ETA {Duration(left)}";
            return text;
        }

        return task.State switch
        {
            "running" => "running",
            "retrying" or "failed" => $"{task.State}: {task.Message}",
            _ => task.State,
        };
    }

    /// <summary>m:ss, or h:mm:ss from an hour.</summary>
    public static string Duration(TimeSpan span) => span.TotalHours >= 1
        ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : span.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
