// Package documents turns answers to requests into PDF letters and signs them
// with the institution's key, so that anyone can check them with an ordinary
// PDF reader or poppler's pdfsig.
//
// The flow is Render (a Letter to an A4 PDF with embedded DejaVu fonts, a QR
// code of the verification link and the registry number in every footer),
// then Signer.Sign (a PAdES baseline B-B signature: CAdES detached CMS with
// signing-certificate-v2, in an incremental update), and Verify to check a
// document later, for example one a citizen uploads to the verification page.
//
// Keys: LoadSigner reads the PKCS#12 file named in configuration; InitDevKeys
// (behind `cetate keys init`) makes a self-signed one for development.
package documents
