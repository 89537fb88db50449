/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one version of mip6sec. The module (MODULE_VERSION), the CLI
 * (mip6sec -V, through the Makefiles), dkms.conf and debian/changelog
 * carry it; scripts/pkg-check.sh fails when they disagree.
 */
#ifndef _MIP6SEC_VERSION_H
#define _MIP6SEC_VERSION_H

#define MIP6SEC_VERSION	"0.2"

#endif /* _MIP6SEC_VERSION_H */
