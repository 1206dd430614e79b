// SPDX-License-Identifier: GPL-3.0-or-later
// Video exports: the frames follow the playback at the chosen speed, an APNG holds them as its own chunks say
// (parsed here), WebM and MP4 are what ffprobe counts, a missing ffmpeg is named with its package, bad values
// name their flag and range, and a cancel leaves nothing behind.
#include "apngwriter.h"
#include "exchanges.h"
#include "exportformats.h"
#include "narration.h"
#include "tracefiles.h"
#include "videoexport.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>
#include <cmath>

using namespace PatternScope;
using PatternScope::Test::fillExchanges;

namespace {

struct ApngInfo {
    QString error; // empty when the file is a well-formed APNG
    int width = 0;
    int height = 0;
    int announced = 0; // acTL num_frames
    int frames = 0; // fcTL chunks
    double seconds = 0; // sum of the fcTL delays
    int idat = 0;
    int fdat = 0;
};

// Reads an APNG chunk by chunk, checking each CRC against Qt's own (qChecksum has no CRC-32: computed here
// bitwise, the slow way, independent of the writer's table) and the sequence numbers of fcTL and fdAT.
quint32 slowCrc(const QByteArray& bytes)
{
    quint32 crc = 0xffffffffu;
    for (char byte : bytes) {
        crc ^= quint8(byte);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

ApngInfo parseApng(const QByteArray& file)
{
    ApngInfo info;
    if (!file.startsWith(QByteArray("\x89PNG\r\n\x1a\n", 8))) {
        info.error = QStringLiteral("no PNG signature");
        return info;
    }
    qsizetype at = 8;
    quint32 expectedSequence = 0;
    bool ended = false;
    bool seenFrameControl = false;
    while (at < file.size()) {
        if (at + 12 > file.size()) {
            info.error = QStringLiteral("truncated chunk at %1").arg(at);
            return info;
        }
        const quint32 length = qFromBigEndian<quint32>(file.constData() + at);
        const QByteArray type = file.mid(at + 4, 4);
        const QByteArray data = file.mid(at + 8, length);
        const quint32 crc = qFromBigEndian<quint32>(file.constData() + at + 8 + length);
        if (crc != slowCrc(type + data)) {
            info.error = QStringLiteral("bad CRC in %1").arg(QString::fromLatin1(type));
            return info;
        }
        const auto u32 = [&](int offset) { return qFromBigEndian<quint32>(data.constData() + offset); };
        const auto u16 = [&](int offset) { return qFromBigEndian<quint16>(data.constData() + offset); };
        if (type == "IHDR") {
            info.width = int(u32(0));
            info.height = int(u32(4));
        } else if (type == "acTL") {
            info.announced = int(u32(0));
        } else if (type == "fcTL" || type == "fdAT") {
            if (u32(0) != expectedSequence++) {
                info.error = QStringLiteral("sequence number %1 out of order").arg(u32(0));
                return info;
            }
            if (type == "fcTL") {
                ++info.frames;
                seenFrameControl = true;
                if (int(u32(4)) != info.width || int(u32(8)) != info.height) {
                    info.error = QStringLiteral("a frame smaller than the image");
                    return info;
                }
                const quint16 den = u16(22) == 0 ? 100 : u16(22);
                info.seconds += double(u16(20)) / den;
            } else {
                ++info.fdat;
            }
        } else if (type == "IDAT") {
            if (!seenFrameControl) {
                info.error = QStringLiteral("IDAT before the first fcTL: the default image is not frame 1");
                return info;
            }
            ++info.idat;
        } else if (type == "IEND") {
            ended = true;
        }
        at += 12 + length;
    }
    if (!ended)
        info.error = QStringLiteral("no IEND");
    return info;
}

// Frames a trace of `seconds` should take at `speed` and 25 fps.
int expectedFrames(TimeUs duration, double speed)
{
    return std::max(1, int(std::ceil(double(duration) / 1e6 / speed * VideoExport::FramesPerSecond - 1e-9)));
}

QString findTool(const char* name)
{
    return QStandardPaths::findExecutable(QString::fromLatin1(name));
}

} // namespace

class TestVideoExport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void framesFollowThePlaybackAtTheSpeed()
    {
        Trace trace;
        fillExchanges(trace, 8, 500'000); // 4 s, the last answer arriving at 3.875 s
        ExportOptions options;
        options.speed = 2.0;
        options.width = 320;
        options.height = 180;
        const VideoExport::Frames frames(trace, {}, options);
        QCOMPARE(frames.count(), expectedFrames(trace.endTime(), 2.0));
        QCOMPARE(frames.timeOf(0), TimeUs(0));
        QCOMPARE(frames.timeOf(1), TimeUs(80'000)); // 1/25 s of video is 2/25 s of the trace
        QCOMPARE(frames.timeOf(frames.count() - 1), trace.endTime());
        QCOMPARE(frames.size(), QSize(320, 180));
        const QImage first = frames.paint(0);
        const QImage last = frames.paint(frames.count() - 1);
        QCOMPARE(first.size(), QSize(320, 180));
        // The end shows arrows the start does not have yet.
        QVERIFY(first != last);
        // A range starts at its beginning.
        const VideoExport::Frames part(trace, { 1'000'000, 2'000'000 }, options);
        QCOMPARE(part.timeOf(0), TimeUs(1'000'000));
        QCOMPARE(part.count(), expectedFrames(1'000'000, 2.0));
        QCOMPARE(part.timeOf(part.count() - 1), TimeUs(2'000'000));
    }

    void apngHoldsEveryFrameWithItsDelay()
    {
        Trace trace;
        fillExchanges(trace, 6, 300'000);
        ExportOptions options;
        options.width = 321; // odd sizes are fine without yuv420p
        options.height = 181;
        options.speed = 1.5;
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("out.apng"));
        FileError error;
        QVERIFY2(
            ExportFormats::find(u"apng")->write(trace, {}, {}, options, path, &error, {}), qPrintable(error.message));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const ApngInfo info = parseApng(file.readAll());
        QVERIFY2(info.error.isEmpty(), qPrintable(info.error));
        const int frames = expectedFrames(trace.endTime(), 1.5);
        QCOMPARE(info.width, 321);
        QCOMPARE(info.height, 181);
        QCOMPARE(info.announced, frames);
        QCOMPARE(info.frames, frames);
        QVERIFY(info.idat >= 1);
        QVERIFY(info.fdat >= frames - 1);
        QVERIFY2(std::abs(info.seconds - double(frames) / 25) < 1e-9, qPrintable(QString::number(info.seconds)));
        // As long as the trace at 1.5 times, to a frame.
        QVERIFY(std::abs(info.seconds - double(trace.endTime()) / 1e6 / 1.5) <= 1.0 / 25);
        // Qt reads it back as a PNG: the default image is the first frame, at the right size.
        QImage image;
        QVERIFY(image.load(path, "PNG"));
        QCOMPARE(image.size(), QSize(321, 181));

        // ffmpeg decodes every frame of it, if it is installed.
        const QString ffprobe = findTool("ffprobe");
        if (ffprobe.isEmpty())
            return;
        QProcess probe;
        probe.start(ffprobe,
            { QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-count_frames"),
                QStringLiteral("-show_entries"), QStringLiteral("stream=nb_read_frames"), QStringLiteral("-of"),
                QStringLiteral("csv=p=0"), path });
        QVERIFY(probe.waitForFinished(60'000));
        QCOMPARE(probe.exitCode(), 0);
        QCOMPARE(probe.readAllStandardOutput().trimmed().toInt(), frames);
    }

    void apngWriterRefusesWhatItCannotHold()
    {
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        ApngWriter writer(&buffer, QSize(10, 10), 2, 25);
        QImage frame(10, 10, QImage::Format_RGB32);
        frame.fill(Qt::white);
        QVERIFY(!writer.addFrame(QImage(12, 10, QImage::Format_RGB32)));
        QVERIFY(writer.addFrame(frame));
        QVERIFY2(!writer.finish(), "one frame of two announced");
        QVERIFY(writer.addFrame(frame));
        QVERIFY(!writer.addFrame(frame));
        QVERIFY(writer.finish());
        const ApngInfo info = parseApng(buffer.data());
        QVERIFY2(info.error.isEmpty(), qPrintable(info.error));
        QCOMPARE(info.frames, 2);
    }

    void ffmpegVideos_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("codec");
        QTest::addRow("webm") << QStringLiteral("webm") << QStringLiteral("vp9");
        QTest::addRow("mp4") << QStringLiteral("mp4") << QStringLiteral("h264");
    }

    void ffmpegVideos()
    {
        QFETCH(QString, id);
        QFETCH(QString, codec);
        if (VideoExport::ffmpegProgram().isEmpty())
            QSKIP("ffmpeg is not installed (Debian package ffmpeg): WebM and MP4 cannot be encoded here");
        const QString ffprobe = findTool("ffprobe");
        if (ffprobe.isEmpty())
            QSKIP("ffprobe is not installed (Debian package ffmpeg): the video cannot be checked here");
        Trace trace;
        fillExchanges(trace, 10, 400'000); // 4 s
        ExportOptions options;
        options.width = 480;
        options.height = 270 + 1; // odd: refused
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("out.") + id);
        FileError error;
        const ExportFormat& format = *ExportFormats::find(id);
        QVERIFY(!format.write(trace, {}, {}, options, path, &error, {}));
        QCOMPARE(error.code, FileError::Code::BadInput);
        QVERIFY2(error.message.contains(QStringLiteral("even")), qPrintable(error.message));
        options.height = 270;
        options.speed = 2.0;
        QVERIFY2(format.write(trace, {}, {}, options, path, &error, {}), qPrintable(error.message));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList { QStringLiteral("out.") + id });

        QProcess probe;
        probe.start(ffprobe,
            { QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-count_frames"),
                QStringLiteral("-select_streams"), QStringLiteral("v:0"), QStringLiteral("-show_entries"),
                QStringLiteral("stream=codec_name,width,height,nb_read_frames:format=duration"), QStringLiteral("-of"),
                QStringLiteral("json"), path });
        QVERIFY(probe.waitForFinished(60'000));
        QCOMPARE(probe.exitCode(), 0);
        const QJsonObject json = QJsonDocument::fromJson(probe.readAllStandardOutput()).object();
        const QJsonObject stream = json.value(QStringLiteral("streams")).toArray().at(0).toObject();
        const int frames = expectedFrames(trace.endTime(), 2.0);
        QCOMPARE(stream.value(QStringLiteral("codec_name")).toString(), codec);
        QCOMPARE(stream.value(QStringLiteral("width")).toInt(), 480);
        QCOMPARE(stream.value(QStringLiteral("height")).toInt(), 270);
        QCOMPARE(stream.value(QStringLiteral("nb_read_frames")).toString().toInt(), frames);
        const double duration
            = json.value(QStringLiteral("format")).toObject().value(QStringLiteral("duration")).toString().toDouble();
        QVERIFY2(std::abs(duration - double(frames) / 25) <= 0.05, qPrintable(QString::number(duration)));
    }

    void missingFfmpegIsNamedWithItsPackage()
    {
        Trace trace;
        fillExchanges(trace, 2, 100'000);
        QTemporaryDir dir;
        QTemporaryDir emptyPath;
        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", QFile::encodeName(emptyPath.path()));
        FileError error;
        const QString out = dir.filePath(QStringLiteral("out.mp4"));
        const bool ok = ExportFormats::find(u"mp4")->write(trace, {}, {}, {}, out, &error, {});
        qputenv("PATH", path);
        QVERIFY(!ok);
        QCOMPARE(error.code, FileError::Code::MissingTool);
        QVERIFY2(error.message.contains(QStringLiteral("ffmpeg")), qPrintable(error.message));
        QVERIFY2(error.message.contains(QStringLiteral("Debian package ffmpeg")), qPrintable(error.message));
        QVERIFY2(error.message.contains(QStringLiteral("apng")), qPrintable(error.message));
        QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
    }

    void badValuesNameTheFlagAndRange()
    {
        ExportOptions options;
        QVERIFY(VideoExport::checkOptions(options, VideoExport::Format::WebM).isEmpty());
        options.speed = 20;
        QString wrong = VideoExport::checkOptions(options, VideoExport::Format::Apng);
        QVERIFY2(wrong.startsWith(QStringLiteral("--speed")) && wrong.contains(QStringLiteral("0.1"))
                && wrong.contains(QStringLiteral("10")),
            qPrintable(wrong));
        options.speed = 1;
        options.width = 100000;
        wrong = VideoExport::checkOptions(options, VideoExport::Format::Apng);
        QVERIFY2(wrong.startsWith(QStringLiteral("--size")) && wrong.contains(QStringLiteral("3840x2160"))
                && wrong.contains(QStringLiteral("160x120")),
            qPrintable(wrong));
        options.width = 1279;
        QVERIFY(VideoExport::checkOptions(options, VideoExport::Format::Apng).isEmpty());
        wrong = VideoExport::checkOptions(options, VideoExport::Format::Mp4);
        QVERIFY2(wrong.startsWith(QStringLiteral("--size")) && wrong.contains(QStringLiteral("1280x720")),
            qPrintable(wrong));
        int width = 0;
        int height = 0;
        QVERIFY(VideoExport::parseSize(QStringLiteral("1920x1080"), &width, &height));
        QCOMPARE(QSize(width, height), QSize(1920, 1080));
        QVERIFY(!VideoExport::parseSize(QStringLiteral("1920"), &width, &height));
        QVERIFY(!VideoExport::parseSize(QStringLiteral("-2x4"), &width, &height));
    }

    // The captions burned in are the narration's, in a band under the diagram; none leaves the band out.
    void captionsAreBurnedInOrLeftOut()
    {
        Trace trace;
        fillExchanges(trace, 6, 500'000);
        const QList<Caption> captions = Narration::captions(trace);
        QVERIFY(!captions.isEmpty());
        ExportOptions options;
        options.width = 640;
        options.height = 360;
        const VideoExport::Frames burned(trace, {}, options);
        options.captions = ExportOptions::Captions::None;
        const VideoExport::Frames plain(trace, {}, options);
        const int frame = burned.count() / 2;
        const int index = Narration::captionAt(captions, burned.timeOf(frame));
        QVERIFY(index >= 0);
        QCOMPARE(burned.captionOf(frame), captions[index].text);
        QCOMPARE(plain.captionOf(frame), QString());
        const QImage a = burned.paint(frame);
        const QImage b = plain.paint(frame);
        // The bottom rows differ (the band and its text), the participants at the top do not.
        const auto row = [](const QImage& image, int y) {
            return QByteArray(reinterpret_cast<const char*>(image.constScanLine(y)), image.bytesPerLine());
        };
        QCOMPARE(row(a, 10), row(b, 10));
        int differing = 0;
        for (int y = a.height() - 40; y < a.height(); ++y)
            differing += row(a, y) != row(b, y) ? 1 : 0;
        QVERIFY2(differing > 20, qPrintable(QString::number(differing)));
    }

    // WebVTT parsed back: a header, then cues whose times are the captions' on the video's clock (from the range's
    // start, at its speed), in order and not overlapping, and whose text is the caption's.
    void webVttReadsBack()
    {
        Trace trace;
        fillExchanges(trace, 6, 500'000);
        const QList<Caption> captions = Narration::captions(trace);
        QVERIFY(captions.size() >= 2);
        ExportOptions options;
        options.speed = 0.5;
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("c.vtt"));
        FileError error;
        QVERIFY2(
            ExportFormats::find(u"vtt")->write(trace, {}, {}, options, path, &error, {}), qPrintable(error.message));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList blocks = QString::fromUtf8(file.readAll()).split(QStringLiteral("\n\n"), Qt::SkipEmptyParts);
        QCOMPARE(blocks.constFirst(), QStringLiteral("WEBVTT"));
        const QRegularExpression cue(QStringLiteral(
            "^(\\d+)\n(\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{3}) --> (\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{3})\n([^\n]+)$"));
        const auto ms = [](const QRegularExpressionMatch& m, int first) {
            return ((m.captured(first).toLongLong() * 60 + m.captured(first + 1).toLongLong()) * 60
                       + m.captured(first + 2).toLongLong())
                * 1000
                + m.captured(first + 3).toLongLong();
        };
        // Every caption that lasts at all is a cue (one that gives way at the very moment it starts is none).
        QList<Caption> lasting;
        for (qsizetype i = 0; i < captions.size(); ++i) {
            const TimeUs until = i + 1 < captions.size() ? captions[i + 1].at : trace.endTime();
            if (std::min(until, trace.endTime()) > captions[i].at)
                lasting.append(captions[i]);
        }
        QVERIFY(lasting.size() >= 2);
        qint64 previousEnd = 0;
        QCOMPARE(blocks.size() - 1, lasting.size());
        for (int i = 1; i < blocks.size(); ++i) {
            const QRegularExpressionMatch m = cue.match(blocks[i]);
            QVERIFY2(m.hasMatch(), qPrintable(blocks[i]));
            QCOMPARE(m.captured(1).toInt(), i);
            const qint64 start = ms(m, 2);
            const qint64 end = ms(m, 6);
            QVERIFY(start >= previousEnd);
            QVERIFY(end > start);
            previousEnd = end;
            const Caption& caption = lasting[i - 1];
            // At half speed a trace millisecond is two of the video's.
            QVERIFY2(std::abs(start - caption.at / 500) <= 1, qPrintable(blocks[i]));
            QCOMPARE(m.captured(10), caption.text.toString().trimmed()); // a cue line has no trailing blanks
        }
        // The last cue ends with the video.
        QVERIFY(std::abs(previousEnd - trace.endTime() / 500) <= 1);

        // Beside a video: OUT.vtt, the same cues.
        options.captions = ExportOptions::Captions::Vtt;
        options.width = 320;
        options.height = 180;
        const QString video = dir.filePath(QStringLiteral("clip.apng"));
        QVERIFY2(
            ExportFormats::find(u"apng")->write(trace, {}, {}, options, video, &error, {}), qPrintable(error.message));
        QCOMPARE(VideoExport::vttPath(video), dir.filePath(QStringLiteral("clip.vtt")));
        QFile beside(VideoExport::vttPath(video));
        QVERIFY(beside.open(QIODevice::ReadOnly));
        file.seek(0);
        QCOMPARE(beside.readAll(), file.readAll());
    }

    // A real run has captions a fraction of a millisecond apart (two clients asking at once): none of them is
    // a cue that ends when it starts (a player never shows it, and WebVTT wants the end after the start); they
    // share the next cue's lines instead, and every caption that lasts a millisecond is a cue's last line.
    void webVttCuesOfARealRunAllLast()
    {
        Trace trace;
        TraceHeader header;
        QCOMPARE(
            Test::readTrace(QStringLiteral(PATTERNSCOPE_TEST_DATA "/websockets-cuts.pstrace.jsonl"), &trace, &header),
            QString());
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ws.vtt"));
        FileError error;
        QVERIFY2(
            ExportFormats::find(u"vtt")->write(trace, header, {}, {}, path, &error, {}), qPrintable(error.message));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList blocks = QString::fromUtf8(file.readAll()).split(QStringLiteral("\n\n"), Qt::SkipEmptyParts);
        const QRegularExpression timing(QStringLiteral("^(\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{3}) --> "
                                                       "(\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{3})$"));
        const auto ms = [](const QRegularExpressionMatch& m, int first) {
            return ((m.captured(first).toLongLong() * 60 + m.captured(first + 1).toLongLong()) * 60
                       + m.captured(first + 2).toLongLong())
                * 1000
                + m.captured(first + 3).toLongLong();
        };
        QStringList lastLines;
        qint64 previousEnd = 0;
        for (qsizetype i = 1; i < blocks.size(); ++i) {
            const QStringList lines = blocks[i].split(u'\n');
            QVERIFY2(lines.size() >= 3 && lines.size() <= 5, qPrintable(blocks[i]));
            const QRegularExpressionMatch m = timing.match(lines[1]);
            QVERIFY2(m.hasMatch(), qPrintable(blocks[i]));
            QVERIFY2(ms(m, 5) > ms(m, 1), qPrintable(blocks[i]));
            QVERIFY(ms(m, 1) >= previousEnd);
            previousEnd = ms(m, 5);
            QVERIFY2(lines.size() == 3 || lines[2] != lines[3], qPrintable(blocks[i])); // no line twice
            lastLines << lines.constLast();
        }
        const QList<Caption> captions = Narration::captions(trace, header.pattern);
        QVERIFY(blocks.size() > 20);
        int lasting = 0;
        for (qsizetype i = 0; i + 1 < captions.size(); ++i) {
            if (std::llround(double(captions[i + 1].at) / 1e3) > std::llround(double(captions[i].at) / 1e3)) {
                ++lasting;
                QVERIFY2(lastLines.contains(captions[i].text.toString().trimmed()), qPrintable(captions[i].text));
            }
        }
        QVERIFY(lasting > 20);
    }

    // Cancelled half-way: no video, and no partial file beside where it would have gone.
    void cancelLeavesNothingBehind_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addRow("apng") << QStringLiteral("apng");
        if (!VideoExport::ffmpegProgram().isEmpty()) {
            QTest::addRow("webm") << QStringLiteral("webm");
            QTest::addRow("mp4") << QStringLiteral("mp4");
        }
    }

    void cancelLeavesNothingBehind()
    {
        QFETCH(QString, id);
        Trace trace;
        fillExchanges(trace, 20, 200'000);
        ExportOptions options;
        options.width = 320;
        options.height = 180;
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("out.") + id);
        FileError error;
        int calls = 0;
        QVERIFY(!ExportFormats::find(id)->write(
            trace, {}, {}, options, path, &error, [&calls](double done) { return done < 0.5 && ++calls < 1000; }));
        QCOMPARE(error.code, FileError::Code::Cancelled);
        QVERIFY(calls > 10);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList());
    }
};

QTEST_MAIN(TestVideoExport)
#include "tst_videoexport.moc"
