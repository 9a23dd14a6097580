// A fixed, self-signed certificate and key for 127.0.0.1/localhost (valid 2000-2099), used only when the
// stand-in serves HTTPS. kubectl and helm send a bearer token only over TLS, so token tests need HTTPS;
// the kubeconfig trusts this certificate as its CA. TEST-ONLY: this key is public, never use it elsewhere.

/** The server certificate (PEM), also the CA written into kubeconfigs. */
export const testCertificate = `-----BEGIN CERTIFICATE-----
MIIBlzCCATygAwIBAgIUXd305GXOS5BXJVvPzJyKP9CwdmwwCgYIKoZIzj0EAwIw
HzEdMBsGA1UEAwwUZHNnIHRlc3Qga3ViZS1zZXJ2ZXIwIBcNMDAwMTAxMDAwMDAw
WhgPMjA5OTEyMzEwMDAwMDBaMB8xHTAbBgNVBAMMFGRzZyB0ZXN0IGt1YmUtc2Vy
dmVyMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEoAVbkRvHD1IjhyCGGa+AChvo
1TfXjCv4ARWXJkn3VolPlOFaeVj8EjEpFSVdCvCB+toD3i3jk6QDS9+5P1cnaKNU
MFIwGgYDVR0RBBMwEYcEfwAAAYIJbG9jYWxob3N0MA8GA1UdEwEB/wQFMAMBAf8w
DgYDVR0PAQH/BAQDAgKkMBMGA1UdJQQMMAoGCCsGAQUFBwMBMAoGCCqGSM49BAMC
A0kAMEYCIQDbZmDLHvRsGc/XAg2HLc74Dls5q3083MEyP1UqiL0f/QIhAJWTuyhZ
Uio5buuLyyvwiMPXNJBJysDdvC5UPdwNtx4V
-----END CERTIFICATE-----
`;

/** The private key of `testCertificate` (PEM). */
export const testPrivateKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg5cU/YkNGi82pg4fm
S4igggLwSCfvTPetK3E+mejf266hRANCAASgBVuRG8cPUiOHIIYZr4AKG+jVN9eM
K/gBFZcmSfdWiU+U4Vp5WPwSMSkVJV0K8IH62gPeLeOTpANL37k/Vydo
-----END PRIVATE KEY-----
`;
