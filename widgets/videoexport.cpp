// SPDX-License-Identifier: GPL-3.0-or-later
#include "videoexport.h"

#include "apngwriter.h"
#include "narration.h"
#include "sequencepainter.h"

#include <QDir>
#include <QFileInfo>
#include <QFontInfo>
#include <QFontMetricsF>
#include <QGuiApplication>
#include <QPainter>
#include <QProcess>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace PatternScope::VideoExport {

namespace {

// The view's own measures, so that a video looks like the window playing.
constexpr double kBottomMargin = SequencePainter::BottomMargin;
constexpr double kTop = SequencePainter::ContentTop;
// A frame is laid out as a view of about this size, then scaled to the video's: text on a 1280x720 video is
// 1.25 times as large as in the window, and the same diagram fits a 1920x1080 one.
constexpr double kLogicalWidth = 1024.0;
constexpr double kLogicalHeight = 576.0;
// ffmpeg reads this many frames ahead at most; beyond, writing waits for it.
constexpr int kFramesBuffered = 4;

bool cancelled(const ExportProgress& progress, double done)
{
    return progress && !progress(done);
}

bool cancel(FileError* error)
{
    return FileError::fail(error, FileError::Code::Cancelled, QStringLiteral("cancelled"));
}

// Raw 8-bit RGB rows, without the padding QImage puts at the end of each.
QByteArray rawRgb(const QImage& frame)
{
    const QImage rgb = frame.convertToFormat(QImage::Format_RGB888);
    const qsizetype row = qsizetype(rgb.width()) * 3;
    if (rgb.bytesPerLine() == row)
        return QByteArray(reinterpret_cast<const char*>(rgb.constBits()), row * rgb.height());
    QByteArray bytes;
    bytes.reserve(row * rgb.height());
    for (int y = 0; y < rgb.height(); ++y)
        bytes.append(reinterpret_cast<const char*>(rgb.constScanLine(y)), row);
    return bytes;
}

QStringList encoderArguments(Format format)
{
    switch (format) {
    case Format::WebM:
        // VP9 at its realtime speed: a minute of 720p encodes in about a minute on two cores.
        return { QStringLiteral("-c:v"), QStringLiteral("libvpx-vp9"), QStringLiteral("-deadline"),
            QStringLiteral("realtime"), QStringLiteral("-cpu-used"), QStringLiteral("8"), QStringLiteral("-row-mt"),
            QStringLiteral("1"), QStringLiteral("-crf"), QStringLiteral("24"), QStringLiteral("-b:v"),
            QStringLiteral("0"), QStringLiteral("-pix_fmt"), QStringLiteral("yuv420p"), QStringLiteral("-f"),
            QStringLiteral("webm") };
    case Format::Mp4:
        return { QStringLiteral("-c:v"), QStringLiteral("libx264"), QStringLiteral("-preset"),
            QStringLiteral("veryfast"), QStringLiteral("-crf"), QStringLiteral("20"), QStringLiteral("-pix_fmt"),
            QStringLiteral("yuv420p"), QStringLiteral("-movflags"), QStringLiteral("+faststart"), QStringLiteral("-f"),
            QStringLiteral("mp4") };
    case Format::Apng:
        break;
    }
    return {};
}

QString formatName(Format format)
{
    switch (format) {
    case Format::WebM:
        return QStringLiteral("WebM");
    case Format::Mp4:
        return QStringLiteral("MP4");
    case Format::Apng:
        return QStringLiteral("APNG");
    }
    return {};
}

// The last line ffmpeg wrote on its standard error: why it failed.
QString lastLine(const QByteArray& output)
{
    const QStringList lines = QString::fromLocal8Bit(output).split(u'\n', Qt::SkipEmptyParts);
    return lines.isEmpty() ? QString() : lines.constLast().trimmed();
}

bool writeApng(Frames& frames, const QString& path, FileError* error, const ExportProgress& progress)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return FileError::fail(
            error, FileError::Code::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    ApngWriter writer(&file, frames.size(), frames.count(), FramesPerSecond);
    for (int i = 0; i < frames.count(); ++i) {
        if (cancelled(progress, double(i) / frames.count()))
            return cancel(error);
        if (!writer.addFrame(frames.paint(i)))
            return FileError::fail(error, FileError::Code::Io, QStringLiteral("%1: %2").arg(path, writer.error()));
    }
    if (!writer.finish())
        return FileError::fail(error, FileError::Code::Io, QStringLiteral("%1: %2").arg(path, writer.error()));
    if (cancelled(progress, 1.0))
        return cancel(error);
    if (!file.commit())
        return FileError::fail(
            error, FileError::Code::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return true;
}

bool writeWithFfmpeg(
    Frames& frames, Format format, const QString& path, FileError* error, const ExportProgress& progress)
{
    // Beside the target, so that the rename at the end is atomic; removed on any failure.
    const QFileInfo target(path);
    QTemporaryFile partial(target.absoluteDir().filePath(QStringLiteral(".%1.XXXXXX.part").arg(target.fileName())));
    if (!partial.open())
        return FileError::fail(
            error, FileError::Code::Io, QStringLiteral("cannot write %1: %2").arg(path, partial.errorString()));
    partial.close();
    const QString ffmpeg = ffmpegProgram();
    if (ffmpeg.isEmpty())
        return FileError::fail(error, FileError::Code::MissingTool, ffmpegMissingMessage());
    if (cancelled(progress, 0.0))
        return cancel(error);

    QProcess process;
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.setStandardOutputFile(QProcess::nullDevice());
    const QSize size = frames.size();
    QStringList arguments { QStringLiteral("-hide_banner"), QStringLiteral("-loglevel"), QStringLiteral("error"),
        QStringLiteral("-y"), QStringLiteral("-f"), QStringLiteral("rawvideo"), QStringLiteral("-pix_fmt"),
        QStringLiteral("rgb24"), QStringLiteral("-video_size"),
        QStringLiteral("%1x%2").arg(size.width()).arg(size.height()), QStringLiteral("-framerate"),
        QString::number(FramesPerSecond), QStringLiteral("-i"), QStringLiteral("pipe:0"), QStringLiteral("-an") };
    arguments += encoderArguments(format);
    arguments += partial.fileName();
    process.start(ffmpeg, arguments);
    if (!process.waitForStarted(-1))
        return FileError::fail(error, FileError::Code::MissingTool,
            QStringLiteral("cannot run %1: %2; %3").arg(ffmpeg, process.errorString(), ffmpegMissingMessage()));
    const auto stop = [&process] {
        process.kill();
        process.waitForFinished(-1);
    };
    const auto died = [&] {
        const QString why = lastLine(process.readAllStandardError());
        return FileError::fail(error, FileError::Code::Io,
            QStringLiteral("ffmpeg stopped encoding the %1 (exit code %2)%3")
                .arg(formatName(format))
                .arg(process.exitCode())
                .arg(why.isEmpty() ? QString() : QStringLiteral(": ") + why));
    };
    const qint64 frameBytes = qint64(size.width()) * size.height() * 3;
    for (int i = 0; i < frames.count(); ++i) {
        if (cancelled(progress, 0.98 * i / frames.count())) {
            stop();
            return cancel(error);
        }
        process.write(rawRgb(frames.paint(i)));
        // Hand ffmpeg the frames as fast as it encodes them, never the whole video at once.
        while (process.bytesToWrite() > kFramesBuffered * frameBytes) {
            if (process.state() != QProcess::Running)
                return died();
            process.waitForBytesWritten(100);
            if (cancelled(progress, 0.98 * i / frames.count())) {
                stop();
                return cancel(error);
            }
        }
        if (process.state() != QProcess::Running)
            return died();
    }
    while (process.bytesToWrite() > 0 && process.state() == QProcess::Running)
        process.waitForBytesWritten(100);
    process.closeWriteChannel();
    while (!process.waitForFinished(100)) {
        if (process.state() != QProcess::Running)
            break;
        if (cancelled(progress, 0.99)) {
            stop();
            return cancel(error);
        }
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return died();
    if (cancelled(progress, 1.0))
        return cancel(error);
    // rename(2) replaces the target in one step.
    if (std::rename(QFile::encodeName(partial.fileName()).constData(), QFile::encodeName(path).constData()) != 0)
        return FileError::fail(error, FileError::Code::Io,
            QStringLiteral("cannot write %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    partial.setAutoRemove(false);
    return true;
}

ExportFormat videoFormat(const QString& id, const QString& title, Format format)
{
    ExportFormat row;
    row.id = id;
    row.title = title;
    row.suffix = id;
    row.kind = ExportFormat::Kind::Video;
    row.takesDetail = true;
    row.write
        = [format](const Trace& trace, const TraceHeader& header, const ExportRange& range,
              const ExportOptions& options, const QString& path, FileError* error, const ExportProgress& progress) {
              return VideoExport::write(trace, range, format, options, path, error, progress, header.pattern);
          };
    return row;
}

ExportFormat vttFormat()
{
    ExportFormat row;
    row.id = QStringLiteral("vtt");
    row.title = QStringLiteral("WebVTT captions (for a video at the same speed)");
    row.suffix = QStringLiteral("vtt");
    row.kind = ExportFormat::Kind::Text;
    row.write = &VideoExport::writeVtt;
    return row;
}

// The band under the diagram where a caption is burned in: two lines of a font a quarter larger than the
// diagram's.
QFont captionFont(const QFont& font)
{
    QFont larger = font;
    larger.setPointSizeF(font.pointSizeF() * 1.25);
    return larger;
}

double captionBandHeight(const QFont& font)
{
    return std::ceil(2 * QFontMetricsF(captionFont(font)).lineSpacing() + 16.0);
}

} // namespace

struct Frames::Private {
    Private(const Trace& t, const ExportRange& r, const ExportOptions& o)
        : trace(t)
        , range(r)
        , options(o)
        , theme(
              o.theme == ExportOptions::Theme::Window ? Theme::fromPalette(QGuiApplication::palette()) : Theme::print())
        , painter(geometry, theme)
    {
    }

    const Trace& trace;
    ExportRange range;
    ExportOptions options;
    SequenceGeometry geometry;
    Theme theme;
    SequencePainter painter;
    NotesLane notes;
    QFont font;
    QHash<QPair<int, int>, TimeUs> delays;
    TimeUs lastDelay = 250'000;
    QSize size;
    double scale = 1.0;
    QSizeF logical;
    TimeUs from = 0;
    TimeUs end = 0;
    int count = 1;
    QList<Caption> captions; // burned in when not empty
    double band = 0; // the caption band's height, in logical pixels
};

Frames::Frames(const Trace& trace, const ExportRange& range, const ExportOptions& options, const QString& patternId)
    : d(std::make_unique<Private>(trace, range, options))
{
    d->size = QSize(options.width, options.height);
    d->scale = std::min(options.width / kLogicalWidth, options.height / kLogicalHeight);
    d->logical = QSizeF(options.width / d->scale, options.height / d->scale);
    d->from = std::clamp<TimeUs>(range.from, 0, trace.endTime());
    d->end = range.to == NoTime ? trace.endTime() : std::clamp(range.to, d->from, trace.endTime());
    const double step = 1e6 * options.speed / FramesPerSecond; // trace time between frames
    d->count = std::max(1, int(std::ceil(double(d->end - d->from) / step - 1e-9)));

    d->font = QGuiApplication::font();
    d->font.setFamily(QFontInfo(d->font).family());
    d->geometry.setTrace(&trace);
    if (options.detail == DetailLevel::Textbook)
        d->geometry.setMessageFilter(&Textbook::shown);
    d->notes.setDetail(options.detail);
    d->painter.setDetail(options.detail);
    d->painter.setFont(d->font);
    d->painter.setNotesLane(&d->notes);
    // As the view replays a recorded trace: its idle gaps folded, in-flight packets placed by the delays seen.
    d->geometry.foldIdleGaps();
    for (const Message& m : trace.messages()) {
        if (m.state == Message::State::Delivered) {
            d->delays.insert(qMakePair(m.from, m.to), m.receivedAt - m.sentAt);
            d->lastDelay = m.receivedAt - m.sentAt;
        }
    }
    d->painter.setExpectedDelays(&d->delays, d->lastDelay);
    if (options.captions == ExportOptions::Captions::Burn) {
        d->captions = Narration::captions(trace, patternId);
        d->band = captionBandHeight(d->font);
    }
    // Columns share the width as in the view.
    d->geometry.fitToWidth(d->logical.width(), int(trace.participants().size()));
}

Frames::~Frames() = default;

int Frames::count() const
{
    return d->count;
}

TimeUs Frames::timeOf(int frame) const
{
    if (frame >= d->count - 1)
        return d->end;
    return d->from + TimeUs(std::llround(double(frame) * 1e6 * d->options.speed / FramesPerSecond));
}

QSize Frames::size() const
{
    return d->size;
}

QImage Frames::paint(int frame) const
{
    QImage image(d->size, QImage::Format_RGB32);
    QPainter p(&image);
    p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    // Not a device pixel ratio: Qt takes none under 1, and a small video is a smaller picture of the same view.
    p.scale(d->scale, d->scale);
    const double width = d->logical.width();
    const double height = d->logical.height() - d->band;
    p.fillRect(QRectF(0, 0, width, d->logical.height()), d->theme.background);
    p.setFont(d->font);

    const TimeUs t = timeOf(frame);
    const double header = SequencePainter::HeaderHeight;
    // Following the playback time as the live view follows the head: at the bottom, the diagram scrolling up.
    const double viewHeight = height - kTop;
    const double sy = std::max(0.0, std::ceil(d->geometry.timeToY(t) + kBottomMargin - viewHeight));
    d->painter.setAsOf(t);
    d->painter.setPinTop(header - kTop + sy);
    const QRectF body(0, header, width, height - header);
    p.save();
    p.setClipRect(body);
    p.translate(0, kTop - sy);
    d->painter.paintContent(p, body.translated(0, sy - kTop));
    p.restore();
    d->painter.paintRuler(p, sy - (kTop - header), header, height - header);
    d->painter.paintHeaders(p, 0, width);
    if (d->band > 0) {
        // The caption under the diagram, as the window's caption line shows it: what is happening now.
        const QRectF band(0, height, width, d->band);
        p.fillRect(band, d->theme.headerFill);
        p.setPen(d->theme.headerBorder);
        p.drawLine(band.topLeft(), band.topRight());
        const QString text = captionOf(frame);
        if (!text.isEmpty()) {
            const QFont font = captionFont(d->font);
            p.setFont(font);
            p.setPen(d->theme.text);
            const QRectF box = band.adjusted(16, 8, -16, -8);
            // Two lines at most; a longer caption is elided at the end of the second.
            const QFontMetricsF metrics(font);
            QString shown = text;
            if (metrics.boundingRect(box, Qt::AlignCenter | Qt::TextWordWrap, text).height() > box.height() + 1)
                shown = metrics.elidedText(text, Qt::ElideRight, box.width() * 1.9);
            p.drawText(box, Qt::AlignCenter | Qt::TextWordWrap, shown);
        }
    }
    p.end();
    return image;
}

QString Frames::captionOf(int frame) const
{
    const TimeUs t = timeOf(frame);
    const int index = Narration::captionAt(d->captions, t);
    if (index < 0)
        return {};
    return d->captions[index].text;
}

QString checkOptions(const ExportOptions& options, Format format)
{
    if (!(options.speed >= ExportOptions::MinSpeed && options.speed <= ExportOptions::MaxSpeed))
        return QStringLiteral("--speed must be between %1 and %2 (times real time), not %3")
            .arg(ExportOptions::MinSpeed)
            .arg(ExportOptions::MaxSpeed)
            .arg(options.speed);
    if (options.width < MinWidth || options.width > MaxWidth || options.height < MinHeight
        || options.height > MaxHeight)
        return QStringLiteral("--size must be WIDTHxHEIGHT within %1x%2 and %3x%4, not %5x%6")
            .arg(MinWidth)
            .arg(MinHeight)
            .arg(MaxWidth)
            .arg(MaxHeight)
            .arg(options.width)
            .arg(options.height);
    if (format != Format::Apng && (options.width % 2 != 0 || options.height % 2 != 0))
        return QStringLiteral("--size %1x%2: %3 (yuv420p) needs an even width and height, e.g. %4x%5")
            .arg(options.width)
            .arg(options.height)
            .arg(formatName(format))
            .arg(options.width + options.width % 2)
            .arg(options.height + options.height % 2);
    return {};
}

bool parseSize(const QString& text, int* width, int* height)
{
    static const QRegularExpression form(QStringLiteral("^\\s*(\\d{1,5})\\s*[xX×]\\s*(\\d{1,5})\\s*$"));
    const QRegularExpressionMatch match = form.match(text);
    if (!match.hasMatch())
        return false;
    *width = match.captured(1).toInt();
    *height = match.captured(2).toInt();
    return true;
}

QString ffmpegProgram()
{
    return QStandardPaths::findExecutable(QStringLiteral("ffmpeg"));
}

QString ffmpegMissingMessage()
{
    return QStringLiteral("WebM and MP4 are encoded by ffmpeg, which is not installed (not found on PATH): install "
                          "the Debian package ffmpeg (sudo apt install ffmpeg), or export --format apng, which "
                          "needs no ffmpeg");
}

bool write(const Trace& trace, const ExportRange& range, Format format, const ExportOptions& options,
    const QString& path, FileError* error, const ExportProgress& progress, const QString& patternId)
{
    if (const QString wrong = checkOptions(options, format); !wrong.isEmpty())
        return FileError::fail(error, FileError::Code::BadInput, wrong);
    Frames frames(trace, range, options, patternId);
    const bool written = format == Format::Apng ? writeApng(frames, path, error, progress)
                                                : writeWithFfmpeg(frames, format, path, error, progress);
    if (!written || options.captions != ExportOptions::Captions::Vtt)
        return written;
    TraceHeader header;
    header.pattern = patternId;
    return writeVtt(trace, header, range, options, vttPath(path), error, {});
}

QString vttPath(const QString& path)
{
    const QFileInfo info(path);
    return info.dir().filePath(info.completeBaseName() + QStringLiteral(".vtt"));
}

bool writeVtt(const Trace& trace, const TraceHeader& header, const ExportRange& range, const ExportOptions& options,
    const QString& path, FileError* error, const ExportProgress& progress)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return FileError::fail(
            error, FileError::Code::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    if (!Export::webVtt(trace, header, range, &file, error, progress, options))
        return false;
    if (!file.commit())
        return FileError::fail(
            error, FileError::Code::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return true;
}

const QList<ExportFormat>& formats()
{
    static const QList<ExportFormat> formats {
        videoFormat(QStringLiteral("webm"), QStringLiteral("WebM video (VP9, by ffmpeg)"), Format::WebM),
        videoFormat(QStringLiteral("mp4"), QStringLiteral("MP4 video (H.264, by ffmpeg)"), Format::Mp4),
        videoFormat(QStringLiteral("apng"), QStringLiteral("Animated PNG"), Format::Apng),
        vttFormat(),
    };
    return formats;
}

} // namespace PatternScope::VideoExport
