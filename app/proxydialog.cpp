// SPDX-License-Identifier: GPL-3.0-or-later
#include "proxydialog.h"

#include "mainwindow.h"
#include "proxypattern.h"
#include "proxysettings.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>

namespace PatternScope {

void askProxy(MainWindow* window)
{
    QDialog dialog(window);
    dialog.setWindowTitle(QObject::tr("Proxy a server"));
    auto* form = new QFormLayout(&dialog);
    auto* intro = new QLabel(QObject::tr("Your clients connect to the proxy instead of your server; what crosses "
                                         "is drawn live, each client connection as its own lifeline."));
    if (window->isRunning())
        intro->setText(intro->text() + u' ' + QObject::tr("The run going now ends when the proxy starts."));
    intro->setWordWrap(true);
    form->addRow(intro);
    auto* to = new QLineEdit(QStringLiteral("127.0.0.1:3000"));
    to->setObjectName(QStringLiteral("proxyTo"));
    form->addRow(QObject::tr("Your server (host:port):"), to);
    auto* listen = new QLineEdit(QStringLiteral("127.0.0.1:8080"));
    listen->setObjectName(QStringLiteral("proxyListen"));
    listen->setToolTip(QObject::tr("An address other than 127.0.0.1 lets other machines connect."));
    form->addRow(QObject::tr("Clients connect to:"), listen);
    auto* latency = new QLineEdit(QStringLiteral("250ms"));
    latency->setObjectName(QStringLiteral("proxyLatency"));
    form->addRow(QObject::tr("Link latency (each way):"), latency);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(QObject::tr("Start proxy"));
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;

    ProxyEndpoints endpoints;
    ParameterSet parameters(ProxySettings::parameters());
    QString reason;
    if (!ProxySettings::parseUpstream(to->text(), &endpoints, &reason)
        || !ProxySettings::parseListen(listen->text(), &endpoints, &reason)
        || !parameters.assign(QString(QStringLiteral("latency=") + latency->text().trimmed()), &reason)) {
        QMessageBox::warning(window, QObject::tr("Proxy a server"), reason);
        return;
    }
    if (!window->startProxy(endpoints, parameters))
        return; // the window said why
    window->statusBar()->showMessage(QObject::tr("Proxying http://%1:%2 to %3. %4")
                                         .arg(ProxySettings::hostText(endpoints.listenAddress))
                                         .arg(window->proxyPort())
                                         .arg(endpoints.upstreamName, ProxySettings::exposure(endpoints.listenAddress)),
        30000);
}

} // namespace PatternScope
