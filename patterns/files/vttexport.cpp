// SPDX-License-Identifier: GPL-3.0-or-later
// WebVTT (https://www.w3.org/TR/webvtt1/): a trace's narration as timed captions, on the clock of its video.
#include "exports.h"
#include "narration.h"

#include <QIODevice>
#include <QStringList>
#include <algorithm>
#include <cmath>

namespace PatternScope {

namespace {

// At most this many captions share a cue; the oldest of a burst give way.
constexpr qsizetype MaxCueLines = 3;

QString vttTime(qint64 ms)
{
    ms = std::max<qint64>(0, ms);
    return QStringLiteral("%1:%2:%3.%4")
        .arg(ms / 3'600'000, 2, 10, QLatin1Char('0'))
        .arg(ms / 60'000 % 60, 2, 10, QLatin1Char('0'))
        .arg(ms / 1000 % 60, 2, 10, QLatin1Char('0'))
        .arg(ms % 1000, 3, 10, QLatin1Char('0'));
}

// Cue text is not HTML, but &, < and > start entities and tags in it.
QString cueText(QString text)
{
    return text.replace(u'&', QStringLiteral("&amp;"))
        .replace(u'<', QStringLiteral("&lt;"))
        .replace(u'>', QStringLiteral("&gt;"))
        .replace(u'\n', u' ');
}

} // namespace

bool Export::webVtt(const Trace& trace, const TraceHeader& header, const ExportRange& range, QIODevice* out,
    FileError* error, const ExportProgress& progress, const ExportOptions& options)
{
    const double speed = std::clamp(options.speed, ExportOptions::MinSpeed, ExportOptions::MaxSpeed);
    const TimeUs from = std::clamp<TimeUs>(range.from, 0, trace.endTime());
    const TimeUs end = range.to == NoTime ? trace.endTime() : std::clamp(range.to, from, trace.endTime());
    const QList<Caption> captions = Narration::captions(trace, header.pattern);
    QString text = QStringLiteral("WEBVTT\n\n");
    // On the video's clock, in the milliseconds a cue is written in: from the start of the range, at its speed.
    const auto videoMs = [&](TimeUs t) { return std::llround(double(t - from) / 1e3 / speed); };
    int cue = 0;
    // Captions that would be over within the cue's millisecond (two clients asking at once) are never seen,
    // and a cue must end after it starts: they wait and go on the next cue's lines, the newest last.
    QStringList pending;
    qint64 pendingStart = -1;
    for (qsizetype i = 0; i < captions.size(); ++i) {
        const Caption& caption = captions[i];
        TimeUs until = i + 1 < captions.size() ? captions[i + 1].at : end;
        const TimeUs start = std::max(caption.at, from);
        until = std::min(until, end);
        const QString line = cueText(caption.text.toString().trimmed());
        if (until < start || line.isEmpty())
            continue;
        if (pending.isEmpty())
            pendingStart = videoMs(start);
        if (pending.isEmpty() || pending.constLast() != line)
            pending.append(line);
        const qint64 endMs = videoMs(until);
        if (endMs <= pendingStart)
            continue;
        while (pending.size() > MaxCueLines)
            pending.removeFirst();
        text += QStringLiteral("%1\n%2 --> %3\n%4\n\n")
                    .arg(++cue)
                    .arg(vttTime(pendingStart), vttTime(endMs), pending.join(u'\n'));
        pending.clear();
        if (progress && i % 256 == 0 && !progress(double(i) / captions.size()))
            return FileError::fail(error, FileError::Code::Cancelled, QStringLiteral("cancelled"));
    }
    if (progress && !progress(1.0))
        return FileError::fail(error, FileError::Code::Cancelled, QStringLiteral("cancelled"));
    const QByteArray bytes = text.toUtf8();
    if (out->write(bytes) != bytes.size())
        return FileError::fail(error, FileError::Code::Io, QStringLiteral("cannot write: %1").arg(out->errorString()));
    return true;
}

} // namespace PatternScope
