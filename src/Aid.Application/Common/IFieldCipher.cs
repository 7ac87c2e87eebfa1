namespace Aid.Application.Common;

/// <summary>Encryption of personal fields at rest (AES-GCM) and a keyed fingerprint for finding duplicates without decrypting.</summary>
public interface IFieldCipher
{
    string Encrypt(string plaintext);
    string Decrypt(string ciphertext);
    string Fingerprint(string plaintext);
}
